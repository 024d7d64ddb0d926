"""Answer metrics: SQuAD-normalised exact match and token F1, KB answer matching."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = set(string.punctuation) | {"，", "。", "、", "：", "；", "？", "！", "“", "”", "《", "》"}


def normalize_answer(text: str) -> str:
    """SQuAD v1.1 normalisation: lower case, no punctuation, no articles, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch for ch in text if ch not in _PUNCT)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str, golds: Iterable[str]) -> float:
    p = normalize_answer(prediction)
    return float(any(p == normalize_answer(g) for g in golds))


def f1(prediction: str, golds: Iterable[str]) -> float:
    return max((_f1(prediction, g) for g in golds), default=0.0)


def _f1(prediction: str, gold: str) -> float:
    p, g = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = sum((Counter(p) & Counter(g)).values())
    if not p or not g or common == 0:
        return float(p == g)
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def contains_answer(texts: Iterable[str], golds: Iterable[str]) -> bool:
    """Whether any gold answer occurs (normalised) in any of the texts."""
    normal = [normalize_answer(t) for t in texts]
    wanted = [normalize_answer(g) for g in golds if normalize_answer(g)]
    return any(g in t for g in wanted for t in normal)


def kb_name(name: str) -> str:
    """KB entity names use underscores ("united_kingdom"): compare them as words."""
    return normalize_answer(name.replace("_", " "))


def pct(numerator: float, denominator: int) -> float:
    return round(100.0 * numerator / denominator, 2) if denominator else 0.0


def set_f1(predicted: set[str], golds: set[str]) -> float:
    """F1 of an answer set against the gold set (KB answers: all the films of a director)."""
    common = len(predicted & golds)
    if not common:
        return 0.0
    precision, recall = common / len(predicted), common / len(golds)
    return 2 * precision * recall / (precision + recall)
