"""Multi-hop expansion over any GraphStore, hop by hop, so both backends behave the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kgqa.domain import Fact
from kgqa.graph.base import GraphStore


def k_hop_facts(
    store: GraphStore,
    seeds: Sequence[str],
    hops: int,
    fanout: int,
    max_frontier: int = 200,
) -> list[Fact]:
    """Facts within ``hops`` of ``seeds``; each fact carries the hop at which it was reached.

    ``fanout`` caps the facts taken per entity per hop (highest support first), and
    ``max_frontier`` caps how many new entities the next hop expands, so a hub such as a
    country or a year cannot blow up the result.
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
        next_frontier: list[str] = []
        for fact in found:
            if fact.id not in facts:
                facts[fact.id] = replace(fact, hop=hop)
            for entity in (fact.subject_id, fact.object_id):
                if entity not in seen_entities:
                    seen_entities.add(entity)
                    next_frontier.append(entity)
        frontier = next_frontier[:max_frontier]
    return list(facts.values())
