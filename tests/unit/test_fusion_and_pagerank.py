from __future__ import annotations

import pytest

from kgqa.retrieval.fusion import reciprocal_rank_fusion
from kgqa.retrieval.pagerank import PersonalizedPageRank


def test_rrf_rewards_agreement_and_respects_weights() -> None:
    fused = reciprocal_rank_fusion(
        {"dense": ["a", "b", "c"], "keyword": ["b", "d"], "graph": ["d"]},
        {"dense": 1.0, "keyword": 1.0, "graph": 0.0},
        k=60,
    )
    ids = [item for item, _, _ in fused]
    assert ids[0] == "b"  # ranked by two lists
    assert "d" in ids and dict((i, s) for i, s, _ in fused)["d"] == pytest.approx(1 / 62)
    assert dict((i, src) for i, _, src in fused)["b"] == ("dense", "keyword")
    heavy = reciprocal_rank_fusion({"dense": ["a"], "graph": ["z"]}, {"dense": 1, "graph": 3})
    assert heavy[0][0] == "z"


def test_rrf_ignores_duplicates_within_a_list_and_breaks_ties_by_id() -> None:
    fused = reciprocal_rank_fusion({"x": ["q", "q"], "y": ["p"]}, {"x": 1, "y": 1}, k=0)
    assert [(i, s) for i, s, _ in fused] == [("p", 1.0), ("q", 1.0)]


class _EdgeSource:
    """Just the two edge reads PPR needs; the stores themselves are tested by the contract suite."""

    def __init__(self, mentions, relations) -> None:
        self._mentions, self._relations = mentions, relations

    def entity_chunk_edges(self, entity_ids=None):
        return self._mentions

    def entity_entity_edges(self, entity_ids=None):
        return self._relations


def _bridge_graph() -> _EdgeSource:
    # c1 mentions A and B; c2 mentions B and C; c3 mentions D only (unconnected to A).
    return _EdgeSource(
        [("A", "c1", 1), ("B", "c1", 1), ("B", "c2", 1), ("C", "c2", 1), ("D", "c3", 1)],
        [("B", "C", 1.0)],
    )


def test_ppr_ranks_chunks_by_connection_to_seeds() -> None:
    ppr = PersonalizedPageRank(_bridge_graph(), damping=0.5)  # type: ignore[arg-type]
    ppr.refresh("v1")
    ranked = ppr.rank_chunks({"A": 1.0}, top_k=3)
    assert [c for c, _ in ranked] == ["c1", "c2"]  # c3 is unreachable: zero mass, dropped
    assert ranked[0][1] > ranked[1][1] > 0
    # Seeding the far end flips the order.
    assert ppr.rank_chunks({"C": 1.0}, top_k=1)[0][0] == "c2"


def test_ppr_chunk_seeds_and_unknown_seeds() -> None:
    ppr = PersonalizedPageRank(_bridge_graph())  # type: ignore[arg-type]
    ppr.refresh("v1")
    assert ppr.rank_chunks({"nobody": 1.0}) == []
    ranked = ppr.rank_chunks({}, chunk_seeds={"c3": 1.0}, top_k=5)
    assert ranked[0][0] == "c3"


def test_ppr_reloads_only_when_the_fingerprint_changes() -> None:
    source = _bridge_graph()
    ppr = PersonalizedPageRank(source)  # type: ignore[arg-type]
    ppr.refresh("v1")
    source._mentions = [("A", "c9", 1)]
    ppr.refresh("v1")
    assert ppr.rank_chunks({"A": 1.0})[0][0] == "c1"
    ppr.refresh("v2")
    assert ppr.rank_chunks({"A": 1.0})[0][0] == "c9"
    with pytest.raises(ValueError):
        PersonalizedPageRank(source, damping=1.0)  # type: ignore[arg-type]


def test_each_documents_best_passage_comes_before_any_second_one() -> None:
    from kgqa.domain import Passage
    from kgqa.retrieval.engine import distinct_documents_first

    def p(chunk: str) -> Passage:
        return Passage(chunk, chunk.split("#")[0], "", "", 0, 0)

    ranked = [p("a#0"), p("a#1"), p("b#0"), p("a#2"), p("c#0")]
    ordered = [x.chunk_id for x in distinct_documents_first(ranked)]
    assert ordered == ["a#0", "b#0", "c#0", "a#1", "a#2"]
    assert distinct_documents_first([]) == []
