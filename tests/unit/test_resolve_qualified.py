"""A page title's qualifier: "George Pearson (filmmaker)" and the "George Pearson" other pages
name are one entity, in either order and across batches, unless the plain name is ambiguous."""

from __future__ import annotations

from ingest.resolve import EntityResolver, Resolved, qualified_plain
from kgqa.domain import Entity
from kgqa.graph.cypher_store import entity_keys
from tests.unit.test_resolve import extraction


class _Store:
    """What the resolver's lookup sees of a real store: entities by each of their keys."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[Entity]] = {}

    def add(self, resolved: Resolved) -> None:
        for entity in resolved.entities:
            for key in entity_keys(entity):
                self.by_key.setdefault(key, []).append(entity)

    def lookup(self, keys: list[str]) -> dict[str, list[Entity]]:
        return {k: self.by_key[k] for k in keys if k in self.by_key}


def _ingest(*batches) -> list[Resolved]:
    store, out = _Store(), []
    for batch in batches:
        resolved = EntityResolver(lookup=store.lookup).resolve(batch)
        store.add(resolved)
        out.append(resolved)
    return out


def _id(resolved: Resolved, surface: str) -> str:
    (eid,) = {m.entity_id for m in resolved.mentions if m.surface == surface}
    return eid


PAGE = [extraction("page", ("George Pearson (filmmaker)", "TOPIC"))]
FILM = [extraction("film", ("George Pearson", "PERSON"))]


def test_the_plain_name_and_the_title_are_one_entity_in_one_batch() -> None:
    (resolved,) = _ingest(PAGE + FILM)
    assert _id(resolved, "George Pearson (filmmaker)") == _id(resolved, "George Pearson")


def test_either_order_across_batches() -> None:
    page, film = _ingest(PAGE, FILM)
    assert _id(film, "George Pearson") == _id(page, "George Pearson (filmmaker)")
    (page_entity,) = page.entities
    assert "George Pearson" in page_entity.aliases  # the key a later batch finds it by
    film, page = _ingest(FILM, PAGE)
    assert _id(page, "George Pearson (filmmaker)") == _id(film, "George Pearson")


def test_two_qualified_names_leave_the_plain_one_apart() -> None:
    footballer = [extraction("fb", ("George Pearson (footballer)", "TOPIC"))]
    (resolved,) = _ingest(PAGE + footballer + FILM)
    ids = {_id(resolved, s) for s in ("George Pearson (filmmaker)", "George Pearson (footballer)")}
    assert len(ids) == 2 and _id(resolved, "George Pearson") not in ids
    # Across batches: the footballer finds the filmmaker holding the plain name and stays apart.
    page, later = _ingest(PAGE, footballer)
    assert _id(later, "George Pearson (footballer)") != _id(page, "George Pearson (filmmaker)")
    (footballer_entity,) = later.entities
    assert "George Pearson" not in footballer_entity.aliases


def test_what_counts_as_a_qualifier() -> None:
    assert qualified_plain("Back to Mono (1958–1969)") == "Back to Mono"
    assert qualified_plain("Up (2009 film)") == "Up"
    assert qualified_plain("X (band)") is None  # too short a plain key to join anything
    assert qualified_plain("Sonata (Op. 3) No. 2") is None  # not trailing
    assert qualified_plain("Marie Curie") is None
