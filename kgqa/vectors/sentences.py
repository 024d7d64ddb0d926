"""Sentence vectors: each chunk's sentences, embedded once at ingest, addressed by id.

The read path's sentence bridge (``kgqa.retrieval.bridge``) scores first-round sentences by
their cosine with the question. Embedding them at query time cost ~200 ms of a ~480 ms
retrieval under load (README, "Retrieval: sentence bridge and embedders"); the write path now
embeds every chunk's sentences beside its passage vector (``ingest.stages``) into the vector
store's ``sentences`` index, and the read path only looks them up
(``kgqa.retrieval.sentence_vectors``). A sentence's id is its chunk's id plus a hash of its
text, so a changed split or text never returns a stale vector: it is simply not found, and a
sentence not found (a store ingested before this, a backend without a sentence index) is
embedded at query time as before. Here because both paths need the split and the ids.

Example::

    ids, texts = chunk_sentences([chunk])   # ["doc#0#s3f2a...", ...], ["First.", ...]
    vectors.sentences(space.name, dim).add(ids, space.queries(texts))
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np

from kgqa.domain import Chunk
from kgqa.embedding.base import Embedder, Span, SpanEmbedder
from kgqa.vectors.base import VectorIndex

logger = logging.getLogger(__name__)

# A sentence ends at . ! ? followed by space and a capital, digit or quote (good enough for
# encyclopaedic prose; a missed split only makes a sentence longer).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(‘'])")
# Hex digits of the sentence text's hash in its id: 48 bits, so two sentences of one chunk
# collide with odds ~1e-13.
_HASH_CHARS = 12
# Sentences embedded per model call when a store is back-filled (``embed_store_sentences``).
_BACKFILL_BATCH = 512

EmbedTexts = Callable[[Sequence[str]], np.ndarray]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def sentence_id(chunk_id: str, text: str) -> str:
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=_HASH_CHARS // 2).hexdigest()
    return f"{chunk_id}#s{digest}"


def sentence_prefix(chunk_id: str) -> str:
    """What every sentence id of ``chunk_id`` starts with (to drop a removed chunk's)."""
    return f"{chunk_id}#s"


def sentence_chunk_id(sentence: str) -> str:
    """The id of the chunk a sentence id belongs to (``sentence_id``'s inverse on the chunk)."""
    return sentence.rpartition("#s")[0]


def chunk_sentences(chunks: Iterable[Chunk]) -> tuple[list[str], list[str]]:
    """(ids, texts) of the distinct sentences of ``chunks``, in order."""
    found: dict[str, str] = {}
    for chunk in chunks:
        for text in sentences(chunk.text):
            found.setdefault(sentence_id(chunk.id, text), text)
    return list(found), list(found.values())


def embed_sentences(chunks: Sequence[Chunk], embed: EmbedTexts) -> tuple[list[str], np.ndarray]:
    """Ids and query-kind vectors of the chunks' sentences (the kind the question is compared
    in: ``EmbeddingSpace.queries``), in one model call."""
    ids, texts = chunk_sentences(chunks)
    return ids, np.asarray(embed(texts)) if texts else np.zeros((0, 0), dtype=np.float32)


class LocatedSentence(NamedTuple):
    """A distinct sentence of a chunk: its id, its text and its character span in the
    passage text the chunk was embedded in."""

    id: str
    text: str
    span: Span


def locate_sentences(chunk: Chunk, offset: int) -> list[LocatedSentence]:
    """The distinct sentences of ``chunk`` in a text that holds ``chunk.text`` from ``offset``
    on (the passage text: title, then the chunk), in order."""
    found: dict[str, LocatedSentence] = {}
    position = 0
    for text in sentences(chunk.text):
        start = chunk.text.find(text, position)
        position = start + len(text)
        sid = sentence_id(chunk.id, text)
        if sid not in found:
            found[sid] = LocatedSentence(sid, text, (offset + start, offset + position))
    return list(found.values())


def embed_passages_and_sentences(
    chunks: Sequence[Chunk], texts: Sequence[str], embedder: Embedder, pooled: bool = True
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Passage rows for ``texts`` (one per chunk, each ending with its chunk's text) and the
    chunks' sentence ids and rows. A ``SpanEmbedder`` gives both from one pass, pooling each
    sentence from its passage's tokens: 2 forward passes became 1, and on 200 2Wiki passages
    the ingest with separately embedded sentences took 1.99x the time without them
    (bench/ingest_throughput.py --baseline-ref, README "Retrieval: sentence bridge"); Recall@5
    on hotpotqa-dev 90.57 separate vs 89.62 pooled, R@2 66.98 vs 69.81 (same store, same run).
    Other embedders, or ``pooled`` False (the default setting, ``ingest.sentence_vectors_pooled``:
    the bridge tuned since gains 2.8 R@5 on hotpotqa-dev from them), embed the sentences on
    their own, query kind, as the read path does."""
    if not pooled or not isinstance(embedder, SpanEmbedder):
        passages = embedder.embed(texts, "passage")
        alone_ids, alone = embed_sentences(chunks, lambda t: embedder.embed(t, "query"))
        return passages, alone_ids, alone
    per_chunk = [
        locate_sentences(c, len(t) - len(c.text)) for c, t in zip(chunks, texts, strict=True)
    ]
    passages, per_sentence = embedder.embed_with_spans(
        texts, [[s.span for s in located] for located in per_chunk], "passage"
    )
    found = [s for located in per_chunk for s in located]
    rows = [row for chunk_rows in per_sentence for row in chunk_rows]
    cut = [k for k, row in enumerate(rows) if row is None]  # beyond the model's length limit
    if cut:
        alone = embedder.embed([found[k].text for k in cut], "query")
        for k, row in zip(cut, alone, strict=True):
            rows[k] = row
    ids = [s.id for s in found]
    if not ids:
        return passages, ids, np.zeros((0, embedder.dim), dtype=np.float32)
    return passages, ids, np.stack([r for r in rows if r is not None]).astype(np.float32)


def sentence_ids_of(index: VectorIndex, chunk_ids: Iterable[str]) -> list[str]:
    """The sentence ids ``index`` holds for ``chunk_ids``."""
    return index.ids_starting_with([sentence_prefix(c) for c in chunk_ids])


def embed_store_sentences(
    chunks: Iterable[Sequence[Chunk]], index: VectorIndex, embed: EmbedTexts
) -> int:
    """Back-fill ``index`` with the sentences of ``chunks`` (pages of them, as
    ``GraphStore.iter_chunks`` gives) that it lacks: a store ingested before sentence vectors
    gets them without a re-ingest. Returns the sentences embedded."""
    added = 0
    pending_ids: list[str] = []
    pending_texts: list[str] = []

    def flush() -> None:
        nonlocal added
        if pending_ids:
            index.add(pending_ids, np.asarray(embed(pending_texts)))
            added += len(pending_ids)
            pending_ids.clear()
            pending_texts.clear()

    for page in chunks:
        ids, texts = chunk_sentences(page)
        missing = set(index.missing(ids))
        for i, t in zip(ids, texts, strict=True):
            if i in missing:
                pending_ids.append(i)
                pending_texts.append(t)
        if len(pending_ids) >= _BACKFILL_BATCH:
            flush()
    flush()
    index.save()
    logger.info("embedded %s sentences into %s", added, type(index).__name__)
    return added
