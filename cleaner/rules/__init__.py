"""Per-site rule files (placeholder until the rule engine lands: no rules)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._model import Block, Metadata


class SiteRules:
    """The compiled rules of one site."""

    name: str = ""

    def apply_text(self, blocks: list[Block]) -> None:
        """Decide the blocks this site's text rules cover."""

    def apply_metadata(self, blocks: list[Block], meta: Metadata) -> None:
        """Fill or correct metadata from this site's patterns."""


class RuleBook:
    """Every loaded rule file, indexed for lookup by host and fingerprint."""

    @classmethod
    def load(cls, dirs: Sequence[str | Path] = ()) -> RuleBook:
        return cls()

    def resolve(self, *, url: str | None, text: str, site: str | None = None) -> SiteRules | None:
        return None
