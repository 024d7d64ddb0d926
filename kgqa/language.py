"""Per-document language: Chinese when CJK ideographs dominate the letters, else English."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str, sample: int = 4000) -> str:
    head = text[:sample]
    cjk = len(_CJK.findall(head))
    latin = len(_LATIN.findall(head))
    # A Chinese character carries about as much as a short English word: weigh accordingly.
    return "zh" if cjk * 3 > latin else "en"
