"""Neo4j's relation rows: grouped by subject, every relation once, statements bounded."""

from __future__ import annotations

from kgqa.domain import Relation
from kgqa.graph.neo4j import relation_groups


def rel(s: str, o: str, chunk: str = "d#0") -> Relation:
    return Relation(s, "p", o, "syntactic", "d", chunk, 0, 1)


def test_every_relation_once_grouped_by_subject_in_order() -> None:
    relations = [rel("b", "x"), rel("a", "z"), rel("b", "a"), rel("a", "y"), rel("a", "y", "d#1")]
    [rows] = list(relation_groups(relations, max_rows=100))
    assert [g["s"] for g in rows] == ["a", "b"]
    assert [[r["o"] for r in g["rels"]] for g in rows] == [["y", "y", "z"], ["a", "x"]]
    assert all(r["s"] == g["s"] for g in rows for r in g["rels"])


def test_statements_are_bounded_and_keep_a_subject_whole() -> None:
    relations = [rel(f"s{i % 7}", f"o{i}") for i in range(100)]
    statements = list(relation_groups(relations, max_rows=20))
    sizes = [sum(len(g["rels"]) for g in rows) for rows in statements]
    assert sum(sizes) == 100 and all(size < 20 + 15 for size in sizes)
    subjects = [g["s"] for rows in statements for g in rows]
    assert len(subjects) == len(set(subjects)) == 7
    assert list(relation_groups([], max_rows=20)) == []
