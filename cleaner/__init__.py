"""cleaner: keep the article prose of a web page, drop the chrome, say why.

>>> import cleaner
>>> result = cleaner.clean(page_bytes, url="https://example.com/story")
>>> result.text, result.metadata.title, result.removed
"""

# first: decides whether the hot modules load compiled or as pure Python (see _core)
from ._core import compiled
from ._decode import BinaryInputError
from ._model import RECORD_SCHEMA, Block, Comment, Metadata, Result
from ._pipeline import Cleaner, clean, warm
from ._prefilter import CacheWarning
from ._version import __version__
from .learn import LearnSettings, SiteLearner, SiteModel, learn_site_model
from .rules import RuleError, RuleFileWarning

__all__ = [
    "RECORD_SCHEMA",
    "BinaryInputError",
    "Block",
    "CacheWarning",
    "Cleaner",
    "Comment",
    "LearnSettings",
    "Metadata",
    "Result",
    "RuleError",
    "RuleFileWarning",
    "SiteLearner",
    "SiteModel",
    "__version__",
    "clean",
    "compiled",
    "learn_site_model",
    "warm",
]
