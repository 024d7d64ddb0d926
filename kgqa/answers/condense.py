"""Evidence condensed for a small reader: the sentences of each item that can answer.

Prefill dominates a small reader's time on CPU (about 150 prompt tokens per core-second for
SmolLM2-135M and 100 for Qwen2.5-0.5B on the shared 2-core machine), so a prompt of whole
passages costs seconds per answer. A reader choosing among a few candidates needs only the
sentences that tie a candidate to the question: the item's first sentence (it names what the
item is about), the sentences sharing the most question words, and those naming a candidate.
They keep their order in the item, so the text still reads as it was written.
"""

from __future__ import annotations

from collections.abc import Sequence

from kgqa.answers.candidates import sentences
from kgqa.answers.normal import contains
from kgqa.keyword.tokenize import tokenize

# Sentences kept per item beyond its first and those naming a candidate, by question words
# shared (ties: earlier first). One: a hotpotqa-dev paragraph has 3-4 sentences, and keeping
# two more left most of them whole (a 760-token prompt either way).
MATCHING_SENTENCES = 1


def condense(text: str, question: str, candidates: Sequence[str] = ()) -> str:
    """The sentences of ``text`` a reader needs for ``question``, in their order."""
    parts = sentences(text)
    if len(parts) <= 1 + MATCHING_SENTENCES:
        return text
    wanted = set(tokenize(question))
    overlap = [len(set(tokenize(s)) & wanted) for s in parts]
    ranked = sorted(range(1, len(parts)), key=lambda i: (-overlap[i], i))
    keep = {0, *(i for i in ranked[:MATCHING_SENTENCES] if overlap[i] > 0)}
    keep |= {i for i, s in enumerate(parts) if any(contains(s, c) for c in candidates)}
    return " ".join(parts[i] for i in sorted(keep))
