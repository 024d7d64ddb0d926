"""``Relation.surface`` (the phrase behind a canonical predicate) is stored with its RELATES
edge and comes back on the Fact, on both backends; an embedded store made before the column
existed is migrated on open without losing a relation."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgqa.domain import Chunk, Document, Entity, GraphBatch, Relation
from kgqa.graph.cypher import cypher_dir
from kgqa.names import entity_id

pytestmark = pytest.mark.integration


def _batch(doc_id: str = "d1", surface: str = "be married to") -> GraphBatch:
    text = "He was married to Teutberga."
    doc = Document(doc_id, text, "Lothair II", "test", "en", content_hash=f"h-{doc_id}")
    chunk = Chunk(f"{doc_id}:0", doc_id, 0, doc.text, 0, len(doc.text))
    a = Entity(entity_id("lothair ii"), "Lothair II", "PERSON", [])
    b = Entity(entity_id("teutberga"), "Teutberga", "PERSON", [])
    typed = Relation(a.id, "spouse", b.id, "syntactic", doc_id, chunk.id, 0, 28, 1.0, surface)
    plain = Relation(a.id, "co-occurs", b.id, "cooccurrence", doc_id, chunk.id, 0, 28)
    return GraphBatch(documents=[doc], chunks=[chunk], entities=[a, b], relations=[typed, plain])


def test_the_surface_phrase_is_stored_and_read_back(graph_store) -> None:
    graph_store.write(_batch())
    facts = {f.predicate: f for f in graph_store.relations_of([entity_id("lothair ii")], 10)}
    assert facts["spouse"].surface == "be married to"
    assert facts["co-occurs"].surface == ""


def test_an_embedded_store_from_before_the_surface_column_is_migrated(tmp_path: Path) -> None:
    import ladybug

    from kgqa.graph.embedded import LadybugGraphStore

    path = tmp_path / "graph.lbug"
    old = LadybugGraphStore(path)
    old.open()
    old.init_schema()
    old.write(_batch("d1"))
    old.close()
    # Make it the store an older kgqa wrote: RELATES without the column (Ladybug can drop it).
    db = ladybug.Database(str(path))
    ladybug.Connection(db).execute("ALTER TABLE RELATES DROP surface")
    del db

    store = LadybugGraphStore(path)
    store.open()
    store.init_schema()  # runs cypher/ladybug/schema_10_relates_surface.cypher
    try:
        before = {f.predicate: f for f in store.relations_of([entity_id("lothair ii")], 10)}
        assert set(before) == {"spouse", "co-occurs"} and before["spouse"].surface == ""
        store.write(_batch("d2", "wed"))
        facts = store.relations_of([entity_id("lothair ii")], 10)
        spouse = next(f for f in facts if f.predicate == "spouse")
        assert spouse.count == 2  # the old support is still there beside the new one
        assert store.stats().relations == 4
    finally:
        store.close()
    assert (cypher_dir() / "ladybug" / "schema_10_relates_surface.cypher").exists()
