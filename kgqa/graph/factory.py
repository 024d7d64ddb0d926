"""Build the configured graph store. The composition roots (CLI, service, Python API) call this."""

from __future__ import annotations

from kgqa.graph.base import GraphStore
from kgqa.settings import Settings


def build_graph_store(settings: Settings) -> GraphStore:
    """The configured store, not yet opened (constructors do no I/O)."""
    if settings.graph.backend == "neo4j":
        from kgqa.graph.neo4j import Neo4jGraphStore

        return Neo4jGraphStore.from_settings(settings.graph)
    from kgqa.graph.embedded import LadybugGraphStore

    return LadybugGraphStore(
        settings.graph_path,
        buffer_pool_mb=settings.graph.buffer_pool_mb,
        write_batch_rows=settings.graph.write_batch_rows,
    )


def open_graph_store(settings: Settings) -> GraphStore:
    """The configured store, opened and with its schema in place."""
    store = build_graph_store(settings)
    store.open()
    try:
        store.init_schema()
    except BaseException:
        store.close()
        raise
    return store
