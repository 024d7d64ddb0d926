"""The composition root: ``Settings`` -> every component of one process, built once.

``KGQA.open`` (the Python API, which the CLI and the HTTP service use) calls
``build_components``; nothing else constructs stores, indexes, embedders or models. Building
opens the graph store and nothing more: embedders and the reader load their models on first
use, derived indexes (BM25, the PageRank matrix) on the first question.

Example::

    components = build_components(Settings(data_dir="kgqa-data"))
    evidence = components.retriever.retrieve("Where was Marie Curie born?")
    components.close()
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.build import build_pipeline
from ingest.pipeline import IngestPipeline
from kgqa.answering import Answerer
from kgqa.answers.tagging import SpacyTagger
from kgqa.embedding.factory import Embedders
from kgqa.graph.base import GraphStore
from kgqa.graph.factory import open_graph_store
from kgqa.keyword.factory import build_keyword_search
from kgqa.reader.base import ChatPrompt, Reader
from kgqa.reader.factory import build_reader
from kgqa.retrieval.build import build_retriever
from kgqa.retrieval.engine import GraphFusedRetriever
from kgqa.retrieval.store_state import StoreFingerprint
from kgqa.settings import ReaderSettings, Settings
from kgqa.vectors.base import VectorStore
from kgqa.vectors.factory import build_vector_store

# Characters of evidence per token of the reader's context: English averages about 4 (the
# usual rule of thumb for BPE tokenizers; not measured on our prompts).
_CHARS_PER_TOKEN = 4


class ReaderSlot:
    """The reader, built from settings on first use (constructing it loads nothing) and
    swappable (``KGQA.use_reader``): the answerer holds the slot, not the reader."""

    def __init__(self, settings: ReaderSettings, data_dir: Path) -> None:
        self._settings = settings
        self._data_dir = data_dir
        self._reader: Reader | None = None
        self._lock = threading.Lock()
        # The reader's name once there is one; the configured backend until then.
        self.name: str = settings.backend

    def current(self) -> Reader:
        with self._lock:
            if self._reader is None:
                self._reader = build_reader(self._settings, self._data_dir)
                self.name = self._reader.name
            return self._reader

    def use(self, reader: Reader) -> None:
        with self._lock:
            self._reader = reader
            self.name = reader.name

    def warm_up(self) -> None:
        self.current().warm_up()

    def generate(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        return self.current().generate(prompts, max_new_tokens)

    def stream(self, prompt: ChatPrompt, max_new_tokens: int) -> Iterator[str]:
        return self.current().stream(prompt, max_new_tokens)

    def close(self) -> None:
        with self._lock:
            reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()


@dataclass(slots=True, frozen=True)
class Components:
    settings: Settings
    store: GraphStore
    vectors: VectorStore
    embedders: Embedders
    fingerprint: StoreFingerprint
    retriever: GraphFusedRetriever
    reader: ReaderSlot
    answerer: Answerer
    pipeline: IngestPipeline

    def close(self) -> None:
        try:
            self.reader.close()
        finally:
            self.store.close()


# Passages per look-up of a name: its page's chunks rank first; more only costs the filter.
LOOKUP_TOP_K = 3


def build_components(settings: Settings, embedders: Embedders | None = None) -> Components:
    """Every component for ``settings``; the store is opened (and its schema ensured), no model
    is loaded. ``embedders`` replaces the configured models (tests pass fakes)."""
    store = open_graph_store(settings)
    try:
        return _assemble(settings, store, embedders or Embedders(settings.models))
    except BaseException:
        store.close()
        raise


def _assemble(settings: Settings, store: GraphStore, embedders: Embedders) -> Components:
    # Vector and keyword search live with the graph: inside Neo4j on the server store (every
    # replica sees one copy), FAISS files and BM25 beside the embedded one.
    vectors = build_vector_store(settings, store)
    fingerprint = StoreFingerprint(store)
    reader = ReaderSlot(settings.reader, settings.data_dir)
    r = settings.reader
    retriever = build_retriever(
        settings, store, vectors, embedders, fingerprint, build_keyword_search(store)
    )
    return Components(
        settings=settings,
        store=store,
        vectors=vectors,
        embedders=embedders,
        fingerprint=fingerprint,
        retriever=retriever,
        reader=reader,
        answerer=Answerer(
            reader,
            r.max_new_tokens,
            r.context_tokens * _CHARS_PER_TOKEN,
            SpacyTagger(settings.models.ner_en),
            # A chain question's missing page (the director's, for "the director of film X"),
            # looked up by name (kgqa.answering.Answerer._complete).
            lookup=lambda name: retriever.retrieve(name, top_k=LOOKUP_TOP_K).passages,
        ),
        pipeline=build_pipeline(settings, store, vectors, embedders),
    )
