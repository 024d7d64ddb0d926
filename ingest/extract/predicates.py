"""Canonical predicates: the small, documented set of relation names typed facts carry.

The extractor finds relations as surface phrases (lower-case lemma phrases from the parse:
"directed by", "marry", "son of", "born in"); ``canonical`` maps a phrase, with the type of its
object, to one of the names below, or returns None when the phrase says nothing we can name.
The surface phrase stays with the relation as provenance (``Relation.surface``).

Direction: ``(X, p, Y)`` reads "Y is X's p" for the family and work relations, as in Wikidata:
``(Lothair II, parent, Lothair I)``, ``(Titanic, director, James Cameron)``; the place, date and
membership relations read left to right: ``(Marie Curie, born in, Warsaw)``.

| name | meaning (object) | example surface phrases |
|---|---|---|
| spouse | X's husband or wife (symmetric) | marry, married to, wife of, husband of |
| parent | X's father or mother | son of, daughter of, child of, born to |
| child | X's son or daughter | father of, mother of, parent of |
| sibling | X's brother or sister (symmetric) | brother of, sister of |
| born in | place of birth | born in, born at |
| died in | place of death | die in, died at |
| buried in | place of burial | buried in, buried at, inter in |
| born on | date of birth (a DATE) | born (on), "(1 May 1900 - ...)" |
| died on | date of death (a DATE) | die (on), "(... - 2 June 1960)", "d." |
| published on | release / publication date (a DATE) | release in, publish in, "is a 1961 film" |
| founded on | inception date (a DATE) | found in, establish in |
| director | director of the work X | directed by, direct (inverted) |
| producer | producer of the work X | produced by, produce (inverted) |
| author | writer of the work X | written by, write (inverted), novel by |
| composer | composer of the music of X | composed by, music by |
| performer | performer of the song / album X | sung by, performed by, song by, album by |
| cast member | actor starring in X | star (inverted), starring |
| publisher | publisher, distributor or label of X | published by, released by |
| founded by | founder of the organisation X | founded by, found (inverted) |
| located in | a place X lies in | located in, situated in, village in |
| country | X's country (citizenship or origin) | "is a British director", "an Iranian film" |
| member of | a group, party or team X belongs to | member of, join, play for |
| employer | an organisation X works for | work for, work at, employed by |
| educated at | a school X studied at | educated at, graduate from, study at |
| award | an award X received | win, receive, awarded, nominated for |

A date is the object of a dated relation only (born on, died on, published on, founded on):
a phrase with a DATE object that names none of them ("be in 1933", "join in 2018") is dropped
as a typed fact (the sentence's co-occurrence edges keep the link).

The extractor (``ingest.extract.spacy_en._plausible`` and ``_add_typed``) also checks the pair:
spouse, parent, child and sibling join two person-like names (not a work, an adjective, a
possessive fragment); an award is a whole award name; born on / died on take one date, not a
span of years; a negated verb and a name the NER cut short give no typed fact.
"""

from __future__ import annotations

from dataclasses import dataclass

DATE_TYPES = frozenset({"DATE"})
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
PERSON_TYPES = frozenset({"PERSON"})

SYMMETRIC = frozenset({"spouse", "sibling"})
# (X, parent, Y) == (Y, child, X)
INVERSES = {"parent": "child", "child": "parent"}

CANONICAL = (
    "spouse", "parent", "child", "sibling",
    "born in", "died in", "buried in", "born on", "died on", "published on", "founded on",
    "director", "producer", "author", "composer", "performer", "cast member", "publisher",
    "founded by", "located in", "country", "member of", "employer", "educated at", "award",
)  # fmt: skip


@dataclass(slots=True, frozen=True)
class Canonical:
    predicate: str
    inverted: bool = False  # the phrase's subject is the canonical object ("Cameron directed X")


# Phrases whose meaning does not depend on the object's type. ``True`` = inverted.
_FIXED: dict[str, tuple[str, bool]] = {
    **dict.fromkeys(
        [
            "marry",
            "married to",
            "wed",
            "wife of",
            "husband of",
            "spouse of",
            "widow of",
            "consort of",
            "marry to",
            "divorce",
            "married",
            "engage to",
        ],
        ("spouse", False),
    ),
    **dict.fromkeys(
        [
            "son of",
            "daughter of",
            "child of",
            "born to",
            "bear to",
            "heir of",
            "stepson of",
            "stepdaughter of",
            "eldest son of",
            "only son of",
            "youngest son of",
            "eldest daughter of",
            "only daughter of",
            "youngest daughter of",
            "illegitimate son of",
            "second son of",
            "third son of",
            "elder son of",
            "younger son of",
            "only child of",
            "eldest child of",
            "second daughter of",
            "elder daughter of",
            "younger daughter of",
            "fourth son of",
        ],
        ("parent", False),
    ),
    **dict.fromkeys(["father of", "mother of", "parent of", "father", "mother"], ("child", False)),
    **dict.fromkeys(
        [
            "brother of",
            "sister of",
            "sibling of",
            "half-brother of",
            "half-sister of",
            "twin brother of",
            "twin sister of",
            "elder brother of",
            "younger brother of",
            "elder sister of",
            "younger sister of",
            "older brother of",
            "older sister of",
        ],
        ("sibling", False),
    ),
    **dict.fromkeys(
        ["buried in", "buried at", "inter in", "interred in", "interred at"], ("buried in", False)
    ),
    **dict.fromkeys(["directed by", "co-directed by", "direct by", "film by"], ("director", False)),
    **dict.fromkeys(["direct", "co-direct", "director of"], ("director", True)),
    **dict.fromkeys(["produced by", "produce by", "co-produced by"], ("producer", False)),
    **dict.fromkeys(["produce", "producer of"], ("producer", True)),
    **dict.fromkeys(
        [
            "written by",
            "write by",
            "novel by",
            "book by",
            "story by",
            "play by",
            "authored by",
            "poem by",
            "screenplay by",
        ],
        ("author", False),
    ),
    **dict.fromkeys(["write", "author of", "writer of"], ("author", True)),
    **dict.fromkeys(
        ["composed by", "music by", "score by", "scored by", "compose by"], ("composer", False)
    ),
    **dict.fromkeys(["compose", "composer of", "score"], ("composer", True)),
    **dict.fromkeys(
        [
            "performed by",
            "sung by",
            "recorded by",
            "song by",
            "album by",
            "single by",
            "record by",
            "ep by",
        ],
        ("performer", False),
    ),
    **dict.fromkeys(["sing", "perform", "record"], ("performer", True)),
    **dict.fromkeys(["star", "starring", "co-star", "feature"], ("cast member", False)),
    **dict.fromkeys(
        ["starred in", "star in", "appear in", "act in", "cast in"], ("cast member", True)
    ),
    # "released by Paramount Pictures": the distributor or label that put the work out.
    **dict.fromkeys(
        ["published by", "publish by", "released by", "release by", "distributed by"],
        ("publisher", False),
    ),
    **dict.fromkeys(["publish", "publisher of"], ("publisher", True)),
    **dict.fromkeys(
        ["founded by", "established by", "co-founded by", "found by"], ("founded by", False)
    ),
    **dict.fromkeys(
        ["found", "co-found", "establish", "founder of", "co-founder of"], ("founded by", True)
    ),
    **dict.fromkeys(
        [
            "located in",
            "situated in",
            "village in",
            "town in",
            "city in",
            "locate in",
            "situate in",
            "municipality in",
            "commune in",
            "river in",
            "lake in",
            "mountain in",
            "island in",
            "district in",
            "county in",
            "suburb in",
            "neighborhood in",
            "neighbourhood in",
            "capital of",
            "located on",
            "hamlet in",
            "parish in",
            "community in",
            "settlement in",
            "area in",
            "place in",
            "lie in",
            "locality in",
            "borough in",
        ],
        ("located in", False),
    ),
    **dict.fromkeys(["nationality", "citizen of", "national of"], ("country", False)),
    **dict.fromkeys(
        ["member of", "join", "play for", "sign with", "sign for", "player for"],
        ("member of", False),
    ),
    **dict.fromkeys(
        [
            "work for",
            "work at",
            "employed by",
            "employ by",
            "professor at",
            "professor of",
            "lecturer at",
            "teach at",
        ],
        ("employer", False),
    ),
    **dict.fromkeys(
        [
            "educated at",
            "graduate from",
            "study at",
            "attend",
            "educate at",
            "graduated from",
            "student at",
            "alumnus of",
            "enrol at",
            "enroll in",
            "enrolled at",
        ],
        ("educated at", False),
    ),
    **dict.fromkeys(
        [
            "win",
            "receive",
            "awarded",
            "award",
            "nominated for",
            "recipient of",
            "winner of",
            "nominate for",
            "honored with",
            "honoured with",
        ],
        ("award", False),
    ),
}

# Phrases whose canonical name depends on whether the object is a date or a place.
_BY_OBJECT: dict[str, tuple[str | None, str | None]] = {
    # phrase: (with a DATE object, with a place object)
    **dict.fromkeys(
        ["bear", "born", "born in", "born on", "bear in", "bear on", "born at", "bear at"],
        ("born on", "born in"),
    ),
    **dict.fromkeys(
        [
            "die",
            "died",
            "die in",
            "die on",
            "died in",
            "died on",
            "die at",
            "pass away",
            "pass away in",
            "kill in",
            "killed in",
        ],
        ("died on", "died in"),
    ),
    **dict.fromkeys(
        [
            "release",
            "release in",
            "release on",
            "publish in",
            "publish on",
            "premiere",
            "premiere in",
            "premiere on",
            "air on",
            "air in",
            "published in",
            "released in",
            "first publish in",
            "issue in",
            "dated work",
        ],
        ("published on", None),
    ),
    **dict.fromkeys(
        [
            "found in",
            "establish in",
            "founded in",
            "established in",
            "form in",
            "formed in",
            "incorporate in",
            "create in",
        ],
        ("founded on", None),
    ),
}


def canonical(phrase: str, object_type: str) -> Canonical | None:
    """The canonical predicate of a surface phrase whose object has NER type ``object_type``,
    or None when the phrase names no canonical relation (a date object never gets a vague one).

    >>> canonical("directed by", "PERSON")
    Canonical(predicate='director', inverted=False)
    >>> canonical("be in", "DATE") is None
    True
    """
    phrase = phrase.strip().lower()
    if phrase in _BY_OBJECT:
        dated, placed = _BY_OBJECT[phrase]
        name = dated if object_type in DATE_TYPES else placed
        return Canonical(name) if name else None
    if object_type in DATE_TYPES:
        return None
    if phrase in _FIXED:
        name, inverted = _FIXED[phrase]
        return Canonical(name, inverted)
    return None
