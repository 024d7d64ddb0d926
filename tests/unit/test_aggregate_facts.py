"""Support rows of RELATES edges -> one Fact per triple, capped per entity."""

from __future__ import annotations

from kgqa.graph.cypher_store import aggregate_facts


def row(s: str, p: str, o: str, chunk: str = "", start: int = 0) -> tuple:
    return (
        s,
        s.upper(),
        p,
        "syntactic",
        o,
        o.upper(),
        chunk.split("#")[0],
        chunk,
        start,
        start + 1,
    )


def test_support_rows_fold_into_one_fact_cited_by_its_first_span() -> None:
    rows = [
        row("a", "knows", "b", "d2#0", 5),
        row("a", "knows", "b", "d1#3", 9),
        row("a", "knows", "b", "d1#3", 2),
    ]
    [fact] = aggregate_facts(rows, ["a"], limit=10)
    assert (fact.subject, fact.predicate, fact.object, fact.count) == ("A", "knows", "B", 3)
    assert (fact.chunk_id, fact.doc_id, fact.start) == ("d1#3", "d1", 2)


def test_a_hub_keeps_its_best_supported_facts_and_each_end_counts_its_own() -> None:
    rows = [row("hub", "p", f"x{i}") for i in range(5)] + [row("hub", "p", "x3")] * 2
    rows += [row("x4", "q", "hub"), row("x4", "q", "hub"), row("x4", "q", "hub")]
    facts = aggregate_facts(rows, ["hub", "x0"], limit=2)
    # hub: x4 q hub (3 rows) and hub p x3 (3 rows) beat the single-row facts; x0 keeps its one.
    assert [f.id for f in facts] == ["hub|p|x0", "hub|p|x3", "x4|q|hub"]


def test_a_self_loop_is_one_fact_of_its_entity() -> None:
    rows = [row("a", "same as", "a"), row("a", "p", "b")]
    assert [f.id for f in aggregate_facts(rows, ["a"], limit=1)] == ["a|p|b"]
    assert len(aggregate_facts(rows, ["a"], limit=2)) == 2
