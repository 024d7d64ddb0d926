"""Tokens for BM25: lower-cased words without English stopwords, and CJK character bigrams
(robust for Chinese without a dictionary; a single CJK character is kept as a unigram)."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with you your yours yourself yourselves""".split()
)


def tokenize(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    tokens: list[str] = []
    for word in _WORD.findall(text):
        if _CJK.search(word):
            chars = [c for c in word if _CJK.match(c)]
            if len(chars) == 1:
                tokens.append(chars[0])
            tokens.extend(a + b for a, b in zip(chars, chars[1:], strict=False))
        elif word not in STOPWORDS:
            tokens.append(word)
    return tokens
