from __future__ import annotations

from ingest.extract.base import ChunkExtraction, RawMention, RawRelation
from ingest.resolve import EntityResolver
from kgqa.domain import Entity
from kgqa.graph.cypher_store import entity_keys
from kgqa.names import entity_id, initials


def extraction(doc: str, *mentions: tuple[str, str], relations=()) -> ChunkExtraction:
    out = ChunkExtraction(f"{doc}#0", doc)
    for i, (surface, type_) in enumerate(mentions):
        out.mentions.append(
            RawMention(f"{doc}#0", doc, i * 10, i * 10 + len(surface), surface, type_)
        )
    for s, p, o in relations:
        out.relations.append(RawRelation(s, p, o, "syntactic", 0, 50))
    return out


def test_normalised_forms_merge_and_keep_their_aliases() -> None:
    resolved = EntityResolver().resolve(
        [
            extraction(
                "d",
                ("The Beatles", "ORG"),
                ("Beatles'", "ORG"),
                ("ＡＢＣ公司", "ORG"),
                ("abc公司", "ORG"),
            )
        ]
    )
    by_id = {e.id: e for e in resolved.entities}
    beatles = by_id[entity_id("beatles")]
    assert beatles.aliases == ["Beatles'", "The Beatles"]
    assert sorted(by_id[entity_id("abc公司")].aliases) == ["abc公司", "ＡＢＣ公司"]
    assert len(by_id) == 2 and len(resolved.mentions) == 4


def test_acronyms_join_their_long_form_in_either_order() -> None:
    assert initials("International Business Machines") == "ibm"
    resolver = EntityResolver()
    first = resolver.resolve(
        [extraction("a", ("IBM", "ORG"), ("International Business Machines", "ORG"))]
    )
    assert len(first.entities) == 1 and first.entities[0].id == entity_id(
        "international business machines"
    )
    later = resolver.resolve([extraction("b", ("IBM", "ORG"))])
    assert later.entities[0].id == first.entities[0].id


def test_a_fresh_resolver_finds_long_forms_through_the_stores_acronym_keys() -> None:
    """What a resumed run sees: an earlier batch is in the store, this process saw nothing."""
    earlier = EntityResolver().resolve([extraction("a", ("the United States", "GPE"))])
    stored = {k: earlier.entities for k in entity_keys(earlier.entities[0])}
    assert "acronym:us" in stored

    def lookup(keys: list[str]) -> dict[str, list[Entity]]:
        return {k: stored[k] for k in keys if k in stored}

    later = EntityResolver(lookup=lookup).resolve([extraction("b", ("US", "GPE"))])
    assert [e.id for e in later.entities] == [entity_id("united states")]
    # A person's initials are no acronym.
    person = Entity("Ejs", "John Smith", "PERSON", ["John Smith"])
    assert not any(k.startswith("acronym:") for k in entity_keys(person))


def test_ids_are_stable_across_resolvers_and_the_store_seeds_the_registry() -> None:
    one = EntityResolver().resolve([extraction("a", ("Marie Curie", "PERSON"))])
    two = EntityResolver().resolve([extraction("b", ("marie curie", "PERSON"))])
    assert one.entities[0].id == two.entities[0].id == entity_id("marie curie")

    stored = Entity("Estored", "Maria Sklodowska", "PERSON", ["Maria Sklodowska", "Marie Curie"])

    def lookup(keys: list[str]) -> dict[str, list[Entity]]:
        return {k: [stored] for k in keys if k == "marie curie"}

    three = EntityResolver(lookup=lookup).resolve([extraction("c", ("Marie Curie", "PERSON"))])
    assert three.entities[0].id == "Estored"


def test_embedding_similarity_above_the_threshold_merges() -> None:
    def similar(names: list[str]) -> list[list[tuple[str, float]]]:
        table = {"Marie Sklodowska-Curie": [("Ecurie", 0.95)], "Mars": [("Ecurie", 0.5)]}
        return [table.get(n, []) for n in names]

    resolved = EntityResolver(similar=similar, threshold=0.9).resolve(
        [extraction("d", ("Marie Sklodowska-Curie", "PERSON"), ("Mars", "LOC"))]
    )
    ids = sorted(e.id for e in resolved.entities)
    assert ids == sorted(["Ecurie", entity_id("mars")])


def test_relations_map_to_ids_and_self_loops_drop() -> None:
    resolved = EntityResolver().resolve(
        [
            extraction(
                "d",
                ("Marie Curie", "PERSON"),
                ("Warsaw", "GPE"),
                ("Marie Curie", "TOPIC"),
                relations=[(0, "born in", 1), (2, "is", 0)],
            )
        ]
    )
    assert [(r.subject_id, r.predicate, r.object_id) for r in resolved.relations] == [
        (entity_id("marie curie"), "born in", entity_id("warsaw"))
    ]
    marie = next(e for e in resolved.entities if e.id == entity_id("marie curie"))
    assert marie.type == "PERSON"  # the topic role does not override a named type


def test_a_similar_name_with_other_numbers_founds_its_own_entity() -> None:
    stored = {"Edate": "May 4, 2001", "Eyear": "1923", "Efox": "Twentieth Century Fox"}

    def similar(names: list[str]) -> list[list[tuple[str, float]]]:
        table = {
            "8 May 2001": [("Edate", 0.9218)],
            "4 May 2001": [("Edate", 0.95)],
            "1921 to 1923": [("Eyear", 0.93)],
            "20th Century Fox": [("Efox", 0.94)],
        }
        return [table.get(n, []) for n in names]

    asked: list[list[str]] = []

    def names(ids: list[str]) -> dict[str, str]:
        asked.append(ids)
        return {i: stored[i] for i in ids if i in stored}

    surfaces = ("8 May 2001", "4 May 2001", "1921 to 1923", "20th Century Fox")
    resolved = EntityResolver(similar=similar, threshold=0.9, names=names).resolve(
        [extraction("d", *((s, "DATE") for s in surfaces))]
    )
    by_name = {e.name: e.id for e in resolved.entities}
    assert by_name["8 May 2001"] == entity_id("8 may 2001")
    assert by_name["1921 to 1923"] == entity_id("1921 to 1923")
    assert by_name["4 May 2001"] == "Edate"  # the same date written another way
    assert by_name["20th Century Fox"] == "Efox"  # one of the two has no number
    assert asked == [["Edate", "Efox", "Eyear"]]  # one read for the batch
