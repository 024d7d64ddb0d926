"""Multi-hop expansion over a graph store or its snapshot, hop by hop, alike on both backends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kgqa.domain import Fact
from kgqa.graph.base import GraphReads


def k_hop_facts(
    store: GraphReads,
    seeds: Sequence[str],
    hops: int,
    fanout: int,
    max_frontier: int = 50,
) -> list[Fact]:
    """Facts within ``hops`` of ``seeds``; each fact carries the hop at which it was reached.

    ``fanout`` caps the facts taken per entity per hop (highest support first), and
    ``max_frontier`` caps how many new entities the next hop expands (those reached by typed
    relations first, then by the most support), so a hub such as a country or a year cannot
    blow up the result.
    """
    if hops < 1:
        raise ValueError("hops must be at least 1")
    seen_entities = set(seeds)
    facts: dict[str, Fact] = {}
    frontier = list(dict.fromkeys(seeds))
    for hop in range(1, hops + 1):
        if not frontier:
            break
        found = store.relations_of(frontier, fanout)
        reached: dict[str, tuple[bool, int]] = {}
        for fact in found:
            if fact.id not in facts:
                facts[fact.id] = replace(fact, hop=hop)
            priority = (fact.typed, fact.count)
            for entity in (fact.subject_id, fact.object_id):
                if entity not in seen_entities:
                    reached[entity] = max(reached.get(entity, priority), priority)
        seen_entities.update(reached)
        ranked = sorted(reached, key=lambda e: (not reached[e][0], -reached[e][1], e))
        frontier = ranked[:max_frontier]
    return list(facts.values())
