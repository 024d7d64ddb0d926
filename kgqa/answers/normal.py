"""Answer text normalised for comparison: case, punctuation, articles, and numbers written
as words or digits ("three" = "3", "1,000" = "1000")."""

from __future__ import annotations

import re
import unicodedata

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_THOUSANDS = re.compile(r"(?<=\d)[,\u202f\u00a0 ](?=\d{3}\b)")


def normalise(text: str) -> str:
    """Lower case, no punctuation or articles, digits for number words, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _THOUSANDS.sub("", text)
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    text = _ARTICLES.sub(" ", text)
    return " ".join(_NUMBER_WORDS.get(w, w) for w in text.split())


def contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` as whole normalised words."""
    n = normalise(needle)
    if not n:
        return False
    return f" {n} " in f" {normalise(haystack)} "
