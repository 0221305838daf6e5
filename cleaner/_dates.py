"""Find a calendar date in a short line of text and return it as ISO 8601."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ORD = r"(?:st|nd|rd|th)?"
PATTERNS = (
    re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>(?:19|20)\d{{2}})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH},?\s+(?P<y>(?:19|20)\d{{2}})\b", re.IGNORECASE),
    re.compile(r"\b(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})\b"),
)
_YEAR = re.compile(r"(?:19|20)\d\d")
# Longest line worth scanning for a date (longer ones are prose, not date lines).
MAX_DATE_LINE = 400


def find_date(text: str) -> str | None:
    """The first unambiguous date in ``text`` as YYYY-MM-DD, else None."""
    text = text[:MAX_DATE_LINE]
    if _YEAR.search(text) is None:  # every pattern needs a year: one scan rejects most lines
        return None
    for rx in PATTERNS:
        for m in rx.finditer(text):
            parts = m.groupdict()
            month = MONTHS.get(parts["mon"].lower().rstrip(".")) if parts.get("mon") else int(parts["m"])
            if month is None:
                continue
            try:
                return date(int(parts["y"]), month, int(parts["d"])).isoformat()
            except ValueError:
                continue  # February 30th and friends
    return None
