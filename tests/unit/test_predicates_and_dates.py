"""Canonical predicates, life dates in parentheses, and the facts eval's scoring (no model)."""

from __future__ import annotations

import pytest

from ingest.extract.dates import life_dates, parentheses
from ingest.extract.predicates import CANONICAL, canonical
from kgqa.domain import Fact
from kgqa.evaluation.facts import (
    GoldTriple,
    Label,
    StoreFacts,
    date_key,
    score_precision,
    score_triples,
)


@pytest.mark.parametrize(
    ("phrase", "object_type", "expected"),
    [
        ("married to", "PERSON", ("spouse", False)),
        ("marry", "PERSON", ("spouse", False)),
        ("daughter of", "PERSON", ("parent", False)),
        ("father of", "PERSON", ("child", False)),
        ("directed by", "PERSON", ("director", False)),
        ("direct", "PERSON", ("director", True)),
        ("born in", "GPE", ("born in", False)),
        ("born in", "DATE", ("born on", False)),
        ("die", "DATE", ("died on", False)),
        ("release in", "DATE", ("published on", False)),
        ("village in", "GPE", ("located in", False)),
        ("star", "PERSON", ("cast member", False)),
        ("star in", "WORK_OF_ART", ("cast member", True)),
    ],
)
def test_surface_phrases_map_to_canonical_names(phrase, object_type, expected) -> None:
    found = canonical(phrase, object_type)
    assert found is not None and (found.predicate, found.inverted) == expected
    assert found.predicate in CANONICAL


@pytest.mark.parametrize(
    ("phrase", "object_type"),
    [("be in", "DATE"), ("receive in", "DATE"), ("join in", "DATE"), ("win", "DATE"),
     ("be", "PERSON"), ("duke of", "GPE"), ("followed by", "DATE"), ("release in", "GPE")],
)  # fmt: skip
def test_vague_phrases_and_dates_of_vague_verbs_are_no_typed_fact(phrase, object_type) -> None:
    assert canonical(phrase, object_type) is None


def _dates(text: str) -> list[tuple[str, str]]:
    return [
        (d.predicate, text[d.start : d.end])
        for s, e in parentheses(text)
        for d in life_dates(text, s, e)
    ]


def test_life_dates_in_parentheses() -> None:
    assert _dates("Frank Launder (28 January 1906 – 23 February 1997) was") == [
        ("born on", "28 January 1906"),
        ("died on", "23 February 1997"),
    ]
    assert _dates("Aivar Kuusmaa( born 12 June 1967) is") == [("born on", "12 June 1967")]
    assert _dates("Ermengarde of Tours (d. 20 March 851) was") == [("died on", "20 March 851")]
    assert _dates("Lothair II (835 –) was") == [("born on", "835")]
    # Years of an alternative name, in a nested parenthesis, are not life dates.
    text = (
        "Curtiz (born Manó Kaminer(1886-1905) Mihály Kertész (1905); "
        "December 24, 1886 April 11, 1962)"
    )
    assert _dates(text) == [("born on", "December 24, 1886"), ("died on", "April 11, 1962")]
    assert _dates("Nasamkhrali( previously known as Nasomkhari until 1955) is") == []


def test_date_keys_meet_across_formats() -> None:
    assert date_key("December 24, 1886") == date_key("24 December 1886") == "1886-12-24"
    assert date_key("1961") == "1961"
    assert date_key("Charlie Day") is None


def _fact(s: str, p: str, o: str) -> Fact:
    return Fact(s, s.title(), p, o, o.title(), "syntactic")


def test_scoring_counts_direction_and_inverse_names() -> None:
    facts = StoreFacts()
    for name, eid in [("Lothair II", "l2"), ("Teutberga", "t"), ("Lothair I", "l1"),
                      ("Titanic", "ti"), ("James Cameron", "jc")]:  # fmt: skip
        facts.by_name[name.lower()].add(eid)
    for f in [_fact("l2", "spouse", "t"), _fact("l1", "child", "l2"), _fact("jc", "direct", "ti")]:
        facts.typed[(f.subject_id, f.object_id)].append(f)
        facts.facts.append(f)
    report = score_triples(
        facts,
        [
            GoldTriple("Teutberga", "spouse", "Lothair II"),  # symmetric, stored reversed
            GoldTriple("Lothair II", "father", "Lothair I"),  # stored as its inverse
            GoldTriple("Titanic", "director", "James Cameron"),  # linked, but not typed
            GoldTriple("Titanic", "director", "Nobody"),  # not in the store
        ],
    )
    assert report["overall"]["in_store"] == 3
    assert report["overall"]["recall"] == 100.0
    assert report["overall"]["typed_recall"] == pytest.approx(66.67)
    assert report["by_relation"]["director"]["typed_recall"] == 0.0
    precision = score_precision(
        facts,
        [
            Label("l2", "spouse", "t", True),
            Label("jc", "direct", "ti", False),
            Label("x", "spouse", "y", True),
        ],  # fmt: skip
    )
    assert (precision["matched"], precision["precision"]) == (2, 50.0)


def test_life_places_beside_the_dates() -> None:
    assert _dates("André Beaunier (22 September 1869, Évreux – 9 December 1925, Paris) was") == [
        ("born on", "22 September 1869"),
        ("died on", "9 December 1925"),
        ("born in", "Évreux"),
        ("died in", "Paris"),
    ]
    assert ("born in", "Carcassonne") in _dates(
        "André Cayatte( 3 February 1909, in Carcassonne – 6 February 1989, in Paris)"
    )
