"""The write path's parts from settings: a ready IngestPipeline (models load lazily)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import cast

from ingest.chunking import Chunker, cjk_token_counter, minilm_token_counter
from ingest.extract.base import EntityExtractor
from ingest.name_vectors import NameVectorMemo
from ingest.pipeline import IngestPipeline
from ingest.resolve import EntityResolver
from ingest.stages import DocumentStages
from ingest.workers import worker_preparer
from kgqa.embedding.base import Embedder
from kgqa.embedding.factory import Embedders
from kgqa.graph.base import GraphStore
from kgqa.settings import IngestSettings, Settings
from kgqa.vectors.base import VectorStore


def make_chunker(settings: IngestSettings, lang: str) -> Chunker:
    """The chunker for a language: English counts the embedder's tokens, CJK characters."""
    counter = minilm_token_counter() if lang == "en" else cjk_token_counter
    return Chunker(settings.chunk_tokens, settings.chunk_overlap_tokens, counter)


# Nearest indexed names a new name is compared with when resolving it; set by hand with the
# first write path, not tuned (the resolver's threshold decides).
_RESOLVE_CANDIDATES = 3


def build_stages(settings: Settings, embedders: Embedders) -> DocumentStages:
    """The CPU-bound stages (chunk, extract, embed passages) with this process's models; a
    worker process (``ingest.workers``) builds its own from the same settings."""
    ing = settings.ingest

    @cache
    def chunker(lang: str) -> Chunker:
        return make_chunker(ing, lang)

    @cache
    def extractor(lang: str) -> EntityExtractor:
        if lang == "zh":
            from ingest.extract.jieba_zh import JiebaEntityExtractor

            return JiebaEntityExtractor()
        from ingest.extract.spacy_en import SpacyEntityExtractor

        return SpacyEntityExtractor(settings.models.ner_en, ing.ner_batch_size, ing.ner_processes)

    return DocumentStages(
        chunker,
        extractor,
        embedders.for_language,
        ing.sentence_vectors,
        ing.sentence_vectors_pooled,
    )


def build_pipeline(
    settings: Settings, store: GraphStore, vectors: VectorStore, embedders: Embedders
) -> IngestPipeline:
    """The pipeline over ``store`` and ``vectors``, embedding with ``embedders`` (the same
    models the read path uses: ``kgqa.wiring``)."""
    ing = settings.ingest

    @cache
    def names(lang: str) -> NameVectorMemo:
        # The resolver's name vectors are the new entities' vectors: embedded once.
        return NameVectorMemo(embedders.for_language(lang))

    @cache
    def resolver(lang: str) -> EntityResolver:
        def similar(found: list[str]) -> list[list[tuple[str, float]]]:
            model = names(lang)
            model.warm_up()
            index = vectors.entities(model.name, model.dim)
            if len(index) == 0:
                return [[] for _ in found]
            return index.search(model.embed(found, kind="query"), k=_RESOLVE_CANDIDATES)

        def entity_names(ids: list[str]) -> dict[str, str]:
            return {e.id: e.name for e in store.get_entities(ids)}

        return EntityResolver(
            lookup=store.find_entities,
            similar=similar,
            threshold=ing.resolve_threshold,
            names=entity_names,
        )

    return IngestPipeline(
        store=store,
        vectors=vectors,
        stages=build_stages(settings, embedders),
        # The memo's name and dim are read-only properties of the model it wraps, which the
        # Protocol's plain attributes do not admit for a type checker.
        embedder_for=cast(Callable[[str], Embedder], names),
        resolver_for=resolver,
        batch_documents=ing.batch_documents,
        checkpoint_s=ing.vector_checkpoint_s,
        preparer=worker_preparer(settings),
        workers=ing.workers,
        worker_batch_documents=ing.worker_batch_documents,
    )
