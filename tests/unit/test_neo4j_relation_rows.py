"""The row shape of cypher/neo4j/create_relations.cypher: entities by position, sent once."""

from __future__ import annotations

from kgqa.domain import Relation
from kgqa.graph.neo4j import indexed_relation_params


def test_each_entity_is_sent_once_and_rows_point_at_it() -> None:
    relations = [
        Relation("E2", "co-occurs", "E1", "cooccurrence", "d1", "d1#0", 0, 9),
        Relation("E1", "spouse", "E3", "syntactic", "d1", "d1#1", 3, 7, 0.5, "married to"),
        Relation("E2", "co-occurs", "E3", "cooccurrence", "d2", "d2#0", 1, 2),
    ]
    params = indexed_relation_params(relations)
    ids = params["ids"]
    assert ids == ["E1", "E2", "E3"]  # distinct, sorted: one lock order for every writer
    for relation, row in zip(relations, params["rows"], strict=True):
        assert ids[row[0]] == relation.subject_id
        assert ids[row[1]] == relation.object_id
    assert params["rows"][1] == [0, 2, "spouse", "syntactic", "d1", "d1#1", 3, 7, 0.5, "married to"]


def test_an_empty_surface_and_the_default_weight_are_not_stored() -> None:
    (row,) = indexed_relation_params([Relation("a", "p", "b", "cooccurrence", "d")])["rows"]
    # Neo4j stores no property for null; the reads coalesce them to "" and 1.0.
    assert row[8] is None and row[9] is None
