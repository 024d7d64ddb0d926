"""Generation that stops: a reply is cut where it starts repeating itself.

Small readers loop ("She married Pierre Curie in 1895. ... She married Pierre Curie in 1895.")
until the token limit. The readers also get a repetition penalty and stop sequences; this is
the rule that holds whatever the backend did.
"""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"[^.!?\n。！？]+[.!?。！？]*\s*|\n+")
# A repeated word n-gram this long means the reply is looping.
LOOP_NGRAM = 6


def cut_repetition(text: str) -> str:
    """``text`` up to the first sentence that repeats an earlier one (or repeats a long word
    sequence of an earlier one)."""
    seen: set[str] = set()
    grams: set[tuple[str, ...]] = set()
    kept: list[str] = []
    for piece in _SENTENCE.findall(text):
        key = " ".join(piece.lower().split())
        if not key:
            kept.append(piece)
            continue
        words = tuple(re.findall(r"\w+", key))
        own = {words[i : i + LOOP_NGRAM] for i in range(len(words) - LOOP_NGRAM + 1)}
        if key in seen or (own & grams):
            break
        seen.add(key)
        grams |= own
        kept.append(piece)
    return "".join(kept).strip()
