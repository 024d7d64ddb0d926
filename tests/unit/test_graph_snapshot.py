"""The in-memory graph snapshot (kgqa.retrieval.snapshot) against the store's own read logic.

``relations_of`` on a store groups the support rows touching the asked entities and caps each
entity's facts (``aggregate_facts``); the snapshot pre-sorts each entity's facts once. On random
graphs, with hubs, self-loops, ties and repeated ids, both must give the same facts in the same
order. The contract test (tests/integration/test_graph_contract.py) checks it on both databases.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from kgqa.graph.cypher_store import aggregate_facts
from kgqa.retrieval.snapshot import FactTable, GraphSnapshot, MentionTable
from kgqa.retrieval.store_state import StoreFingerprint


def _rows(rng: random.Random, n: int) -> list[tuple]:
    entities = [f"e{i}" for i in range(12)]
    rows = []
    for _ in range(n):
        s = rng.choice(entities[:3]) if rng.random() < 0.4 else rng.choice(entities)  # hubs
        o = rng.choice(entities)
        p = rng.choice(["born in", "spouse", "co-occurs"])
        chunk = f"d{rng.randrange(4)}#{rng.randrange(3)}"
        start = rng.randrange(50)
        rows.append(
            (
                s,
                s.upper(),
                p,
                "syntactic",
                o,
                o.upper(),
                chunk.split("#")[0],
                chunk,
                start,
                start + 3,
                "",
            )
        )
    return rows


def _store_relations_of(rows: Sequence[tuple], ids: Sequence[str], limit: int) -> list:
    """What CypherGraphStore.relations_of computes from its two queries' rows."""
    ids = list(dict.fromkeys(ids))
    wanted = set(ids)
    out = [r for r in rows if r[0] in wanted]
    incoming = [r for r in rows if r[4] in wanted and r[0] not in wanted]
    return aggregate_facts(out + incoming, ids, limit)


@pytest.mark.parametrize("seed", range(25))
def test_fact_table_caps_and_orders_as_the_store_does(seed: int) -> None:
    rng = random.Random(seed)
    rows = _rows(rng, rng.randrange(1, 80))
    every = aggregate_facts(rows, sorted({r[0] for r in rows} | {r[4] for r in rows}), 10**9)
    table = FactTable.of(every)
    for _ in range(10):
        ids = [f"e{rng.randrange(14)}" for _ in range(rng.randrange(0, 5))]
        limit = rng.choice([0, 1, 2, 3, 50])
        assert table.relations_of(ids, limit) == _store_relations_of(rows, ids, limit)


def test_mention_table_indexes_both_ways_and_keeps_topic_pages_apart() -> None:
    table = MentionTable.of(
        [("e2", "d1#0", 2, 0), ("e1", "d2#0", 1, 1), ("e1", "d1#0", 1, 0), ("e3", "d2#0", 3, 0)]
    )
    assert table.entity_chunk_edges(None) == [
        ("e1", "d1#0", 1),
        ("e1", "d2#0", 1),
        ("e2", "d1#0", 2),
        ("e3", "d2#0", 3),
    ]
    assert table.entity_chunk_edges(["e3", "e1", "nope", "e3"]) == [
        ("e1", "d1#0", 1),
        ("e1", "d2#0", 1),
        ("e3", "d2#0", 3),
    ]
    assert table.chunk_entities(["d2#0", "x", "d1#0"]) == {
        "d2#0": ["e1", "e3"],
        "d1#0": ["e1", "e2"],
    }
    assert table.topic_chunks(["e1", "e2"]) == {"e1": ["d2#0"]}


class _CountingStore:
    """A store that counts its whole-store reads, whose version moves on ``write()``."""

    def __init__(self) -> None:
        self.v, self.reads, self.facts = (
            1,
            0,
            aggregate_facts(_rows(random.Random(1), 30), [f"e{i}" for i in range(12)], 99),
        )
        self.counted = 0  # stats() calls

    def version(self) -> int:
        return self.v

    def stats(self):
        from kgqa.graph.base import GraphStats

        self.counted += 1
        return GraphStats(1, 1, 12, len(self.facts), 0)

    def all_facts(self):
        self.reads += 1
        return list(self.facts)

    def mention_counts(self):
        return [("e0", "d0#0", 1, 0)]

    def all_entity_keys(self):
        return ["e0"]


def test_the_snapshot_is_read_once_per_store_version_and_once_per_question() -> None:
    store = _CountingStore()
    fingerprint = StoreFingerprint(store)  # type: ignore[arg-type]
    snapshot = GraphSnapshot(store, fingerprint, 1_000, background=False)  # type: ignore[arg-type]
    first = snapshot.relations_of(["e0"], 5)
    snapshot.relations_of(["e1"], 5)
    assert store.reads == 1
    store.v += 1  # another process wrote
    store.facts = store.facts[:3]
    with fingerprint.held() as version:
        assert version == 2
        second = snapshot.relations_of(["e0"], 5)
        store.v += 1  # a write during the question: this question keeps its version
        snapshot.relations_of(["e0"], 5)
    assert store.reads == 2 and second != first
    snapshot.relations_of(["e0"], 5)
    assert store.reads == 3


def test_the_size_bound_is_counted_once_per_version_for_all_tables() -> None:
    store = _CountingStore()
    snapshot = GraphSnapshot(store, StoreFingerprint(store), 1_000, background=False)  # type: ignore[arg-type]
    snapshot.hold()
    assert store.counted == 1  # facts, mentions and keys built on one count
    store.v += 1
    snapshot.hold()
    assert store.counted == 2


def test_a_store_over_the_bound_is_read_directly() -> None:
    store = _CountingStore()
    calls = []
    store.relations_of = lambda ids, limit: calls.append((ids, limit)) or []  # type: ignore[attr-defined]
    snapshot = GraphSnapshot(store, StoreFingerprint(store), 5, background=False)  # type: ignore[arg-type]
    assert snapshot.relations_of(["e0"], 3) == []
    assert calls == [(["e0"], 3)] and store.reads == 0


def test_a_background_build_starts_at_a_versions_second_question() -> None:
    store = _CountingStore()
    direct = []
    store.relations_of = lambda ids, limit: direct.append(ids) or []  # type: ignore[attr-defined]
    snapshot = GraphSnapshot(store, StoreFingerprint(store), 1_000)  # type: ignore[arg-type]
    assert snapshot.relations_of(["e0"], 5) == []  # one question: the store answers, no build
    assert store.reads == 0 and direct == [["e0"]]
    snapshot.relations_of(["e0"], 5)  # the second starts the build
    snapshot._facts.wait()
    assert store.reads == 1
    held = snapshot.relations_of(["e0"], 5)
    assert held and len(direct) == 2  # now from memory
    store.v += 1  # a write: the store answers again until the new version is built
    assert snapshot.relations_of(["e0"], 5) == [] and len(direct) == 3
    snapshot.hold()  # a server's warm-up builds it now
    assert store.reads == 2 and snapshot.relations_of(["e0"], 5) == held


def test_a_failed_background_build_leaves_the_store_answering() -> None:
    store = _CountingStore()
    store.relations_of = lambda ids, limit: ["from the store"]  # type: ignore[attr-defined]

    def broken() -> list:
        raise RuntimeError("connection lost")

    store.all_facts = broken  # type: ignore[method-assign]
    snapshot = GraphSnapshot(store, StoreFingerprint(store), 1_000)  # type: ignore[arg-type]
    snapshot.relations_of(["e0"], 5)
    snapshot.relations_of(["e0"], 5)
    snapshot._facts.wait()
    assert snapshot.relations_of(["e0"], 5) == ["from the store"]


def test_one_question_asking_many_times_starts_no_build() -> None:
    """Each hop of the facts asks again; only another question's ask starts the build."""
    store = _CountingStore()
    store.relations_of = lambda ids, limit: []  # type: ignore[attr-defined]
    fingerprint = StoreFingerprint(store)  # type: ignore[arg-type]
    snapshot = GraphSnapshot(store, fingerprint, 1_000)  # type: ignore[arg-type]
    with fingerprint.held():
        for _hop in range(3):
            snapshot.relations_of(["e0"], 5)
    snapshot._facts.wait()
    assert store.reads == 0
    with fingerprint.held():
        snapshot.relations_of(["e0"], 5)
    snapshot._facts.wait()
    assert store.reads == 1
