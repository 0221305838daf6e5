"""Learning a site's chrome from its other pages (``cleaner clean --learn``, ``cleaner rules learn``).

A line that occurs on many of a site's pages is chrome, whatever it says; an
article's prose occurs once. :class:`SiteLearner` counts, per site and in
bounded memory, on how many pages each block occurs; the resulting
:class:`SiteModel` drops those blocks (and the chrome tails that repeated
headings open) before the generic classifier runs.
"""

from ._learner import SiteLearner, learn_site_model
from ._model import LearnSettings, SiteModel, SiteProfile
from ._stats import fingerprint, normalise

__all__ = ["LearnSettings", "SiteLearner", "SiteModel", "SiteProfile", "fingerprint", "learn_site_model", "normalise"]
