"""The vector indexes that go with the graph store: inside Neo4j when the graph is there, else
FAISS files under ``Settings.vectors_dir`` (see ``kgqa.vectors.base``)."""

from __future__ import annotations

from kgqa.graph.base import GraphStore
from kgqa.settings import Settings
from kgqa.vectors.base import VectorStore
from kgqa.vectors.registry import VectorIndexes


def build_vector_store(settings: Settings, store: GraphStore) -> VectorStore:
    from kgqa.graph.neo4j import Neo4jGraphStore

    if isinstance(store, Neo4jGraphStore):
        from kgqa.vectors.neo4j import Neo4jVectorIndexes

        return Neo4jVectorIndexes(store, settings.vectors_dir)
    return VectorIndexes(settings.vectors_dir)
