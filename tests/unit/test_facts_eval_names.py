"""How ``kgqa eval facts`` finds a gold name among the store's entities."""

from __future__ import annotations

from kgqa.domain import Fact
from kgqa.evaluation.facts import GoldTriple, StoreFacts, _surfaces, score_triples


def _store() -> StoreFacts:
    store = StoreFacts()
    for name, eid in (("Karel Lamač", "k"), ("Hamburg", "h"), ("Germany", "g")):
        store.by_name[name.lower()].add(eid)
    fact = Fact("k", "Karel Lamač", "died in", "h", "Hamburg", "syntactic", surface="die in")
    store.typed[("k", "h")].append(fact)
    store.facts.append(fact)
    return store


def test_a_comma_qualified_place_matches_its_head_only_when_asked() -> None:
    store = _store()
    assert store.entities("Hamburg, Germany") == set()
    assert store.entities("Hamburg, Germany", heads=True) == {"h"}
    assert store.entities("Germany", heads=True) == {"g"}  # a name the store has stays itself
    triple = [GoldTriple("Karel Lamač", "place of death", "Hamburg, Germany")]
    assert score_triples(store, triple)["overall"]["in_store"] == 0
    with_heads = score_triples(store, triple, heads=True)["overall"]
    assert (with_heads["in_store"], with_heads["typed_recall"]) == (1, 100.0)


def test_surfaces_are_counted_by_predicate() -> None:
    assert _surfaces(_store().facts) == {"died in": {"die in": 1}}
