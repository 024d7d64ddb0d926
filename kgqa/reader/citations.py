"""Checking an answer against the evidence it was given.

1. Explicit markers [n], [n, m], [n-m] are parsed; numbers that do not exist are dropped.
2. A small model often answers correctly without markers: then the answer is attributed to the
   evidence items that contain its content words (most of them), and those become its citations.
3. An answer that cites nothing real and that no evidence item supports is unsupported.
4. An abstention ("I don't know ...") is recognised as such.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from kgqa.keyword.tokenize import tokenize

MARKER = re.compile(r"\[(\d+(?:\s*[-–,]\s*\d+)*)\]")
_ABSTAIN = re.compile(
    r"\b(i\s+(do\s+not|don'?t|cannot|can'?t)\s+(know|find|answer|tell)|not\s+(enough|sufficient)"
    r"\s+(information|evidence)|does\s+not\s+(contain|mention|say)|no\s+(information|evidence))"
    r"|无法回答|不知道|没有提到",
    re.IGNORECASE,
)


@dataclass(slots=True)
class CitationCheck:
    text: str  # the answer with invalid markers removed
    cited: list[int] = field(default_factory=list)  # valid evidence numbers, in order
    invalid: list[int] = field(default_factory=list)
    inferred: bool = False  # citations attributed by content, not written by the model
    abstained: bool = False
    unsupported: bool = False


def parse_markers(text: str) -> list[int]:
    numbers: list[int] = []
    for group in MARKER.findall(text):
        for part in re.split(r"\s*,\s*", group):
            if re.search(r"[-–]", part):
                a, b = (int(x) for x in re.split(r"\s*[-–]\s*", part))
                numbers.extend(range(min(a, b), max(a, b) + 1) if b - a < 20 else [a, b])
            else:
                numbers.append(int(part))
    return list(dict.fromkeys(numbers))


def is_abstention(text: str) -> bool:
    return not text.strip() or bool(_ABSTAIN.search(text))


def check_answer(
    text: str, evidence_texts: Sequence[str], min_support: float = 0.6
) -> CitationCheck:
    text = unicodedata.normalize("NFC", text).strip()
    if is_abstention(text):
        return CitationCheck(text=text, abstained=True)
    numbers = parse_markers(text)
    valid = [n for n in numbers if 1 <= n <= len(evidence_texts)]
    invalid = [n for n in numbers if n not in valid]
    cleaned = text
    for n in invalid:
        cleaned = re.sub(rf"\[\s*{n}\s*\]", "", cleaned)
    cleaned = " ".join(cleaned.split())
    check = CitationCheck(text=cleaned, cited=valid, invalid=invalid)
    supporting = supporting_items(MARKER.sub(" ", cleaned), evidence_texts, min_support)
    if valid:
        # Cited, but is the content actually in what it cites (or anywhere)?
        if not supporting:
            check.unsupported = True
        return check
    if supporting:
        check.cited = supporting[:2]
        check.inferred = True
        check.text = f"{cleaned} " + "".join(f"[{n}]" for n in check.cited)
    else:
        check.unsupported = True
    return check


def supporting_items(answer: str, evidence_texts: Sequence[str], min_support: float) -> list[int]:
    """Evidence numbers containing at least ``min_support`` of the answer's content tokens,
    best first."""
    tokens = set(tokenize(answer))
    if not tokens:
        return []
    scored = []
    for n, text in enumerate(evidence_texts, start=1):
        share = len(tokens & set(tokenize(text))) / len(tokens)
        if share >= min_support:
            scored.append((-share, n))
    return [n for _, n in sorted(scored)]
