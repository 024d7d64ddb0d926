"""A question that asks about an entity it only describes: the relation chain from a named
anchor to the answer.

"Where was the director of film Doctor Krishna born?" names the film, not the person whose
birthplace it asks: the chain is anchor "Doctor Krishna" -> director -> birth place. "When did
Toda of Pamplona's mother die?" is Toda -> mother -> death date, "Who is the paternal
grandfather of X?" is X -> father -> father -> the person. English relational phrases only:
a question of no known chain gets ``None`` and is answered from typed candidates.

The anchor is found where the question's phrasing puts it (after the last "<role> of", before
"'s <role>"); ``kgqa.answers.hops`` then matches it to an evidence title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Attribute(StrEnum):
    """What the question asks of the chain's last entity."""

    ITSELF = "itself"  # "Who is X's mother?": the entity is the answer
    BIRTH_PLACE = "birth_place"
    DEATH_PLACE = "death_place"
    BIRTH_DATE = "birth_date"
    DEATH_DATE = "death_date"
    BURIAL_PLACE = "burial_place"
    NATIONALITY = "nationality"
    COUNTRY = "country"
    EDUCATION = "education"
    EMPLOYER = "employer"
    AWARD = "award"
    OTHER = "other"  # asked, but not one this module can read off a page


@dataclass(slots=True, frozen=True)
class Chain:
    anchor: str
    roles: tuple[str, ...]  # applied in order, from the anchor outward
    attribute: Attribute


# Role nouns and the relations they stand for. Kinship compounds unfold into their steps.
ROLES: dict[str, tuple[str, ...]] = {
    **{
        r: (r,)
        for r in (
            "director",
            "composer",
            "performer",
            "producer",
            "screenwriter",
            "writer",
            "author",
            "creator",
            "founder",
            "editor",
            "cinematographer",
            "father",
            "mother",
            "husband",
            "wife",
            "spouse",
            "son",
            "daughter",
            "child",
            "brother",
            "sister",
            "sibling",
        )
    },
    "paternal grandfather": ("father", "father"),
    "paternal grandmother": ("father", "mother"),
    "maternal grandfather": ("mother", "father"),
    "maternal grandmother": ("mother", "mother"),
    "grandfather": ("father", "father"),
    "grandmother": ("mother", "mother"),
    "father-in-law": ("spouse", "father"),
    "mother-in-law": ("spouse", "mother"),
    "stepfather": ("mother", "husband"),
    "stepmother": ("father", "wife"),
}
_ROLE = "|".join(sorted((re.escape(r) for r in ROLES), key=len, reverse=True))
# Words that say what kind of thing the anchor is ("the director of film X").
_KIND = r"(?:film|movie|song|album|book|novel|series|show|play|opera|single|work|band|poem)"
_OF_ROLE = re.compile(rf"\b(?:the\s+)?({_ROLE})\s+of\s+(?:the\s+)?(?:{_KIND}\s+)?", re.I)
_POSSESSIVE = re.compile(rf"(?:'s|’s|')\s+({_ROLE})\b", re.I)

# The attribute, by the words asking it; the first that matches wins (death before birth:
# "the place of death" must not read as a place).
_ATTRIBUTES: tuple[tuple[re.Pattern[str], Attribute], ...] = (
    (re.compile(r"\b(place of burial|buried|burial place)\b", re.I), Attribute.BURIAL_PLACE),
    (re.compile(r"\bplace of death\b|\bwhere\b.*\bdie[sd]?\b", re.I), Attribute.DEATH_PLACE),
    (
        re.compile(r"\bplace of birth\b|\bbirthplace\b|\bwhere\b.*\bborn\b", re.I),
        Attribute.BIRTH_PLACE,
    ),
    (
        re.compile(r"\bdate of death\b|\b(when|what year)\b.*\bdie[sd]?\b", re.I),
        Attribute.DEATH_DATE,
    ),
    (re.compile(r"\bdate of birth\b|\b(when|what year)\b.*\bborn\b", re.I), Attribute.BIRTH_DATE),
    (re.compile(r"\bnationality\b", re.I), Attribute.NATIONALITY),
    (re.compile(r"\b(which|what) country\b", re.I), Attribute.COUNTRY),
    (
        re.compile(r"\b(study|studied|graduate[sd]?|educated|alma mater|attend(ed)?)\b", re.I),
        Attribute.EDUCATION,
    ),
    (re.compile(r"\bwork(s|ed)?\b|\bemployer\b", re.I), Attribute.EMPLOYER),
    (re.compile(r"\b(award|prize|honou?r)\b", re.I), Attribute.AWARD),
)
_ASKS_ENTITY = re.compile(r"^\s*(who|whom)\b", re.I)
# What ends the anchor after the last "<role> of": the question's closing words.
_TAIL = re.compile(
    r"\s+(?:(?:was|is|were)\s+)?(?:born|die[sd]?|buried|study|studied|graduate[sd]?|"
    r"work(?:s|ed)?(?:\s+at)?|(?:is|was|are)\s+from|from|got|get|receive[sd]?|won|win|"
    r"attend(?:ed)?)\b.*$|\s*\?\s*$",
    re.I,
)
# What starts a possessive's anchor: the question word and the lower-case words after it
# ("What is the date of death of Julia Livia's father?" -> "Julia Livia").
_HEAD = re.compile(r"^\W*\w+\s+(?:[a-z][\w\-]*\s+)*")


def parse_chain(question: str) -> Chain | None:
    """The chain a question asks along; None when it names its entity directly."""
    text = " ".join(question.strip().split())
    outer = list(_OF_ROLE.finditer(text))
    possessive = _POSSESSIVE.search(text)
    if not outer and possessive is None:
        return None
    roles: list[str] = []
    if possessive is not None:
        anchor = _HEAD.sub("", text[: possessive.start()]).strip(" ,")
        # "X's father's mother": every possessive role after the anchor, in order.
        roles += [_role(m) for m in _POSSESSIVE.finditer(text, possessive.start())]
        anchor = _after_roles(anchor, roles)
    else:
        anchor = _TAIL.sub("", text[outer[-1].end() :]).strip(" ,?")
    # "the father of the director of X": the innermost role applies first.
    before = [m for m in outer if possessive is None or m.start() < possessive.start()]
    for match in reversed(before):
        roles.append(_role(match))
    steps = tuple(step for role in roles for step in ROLES[role])
    if not anchor or not steps:
        return None
    return Chain(anchor, steps, _attribute(text))


def _role(match: re.Match[str]) -> str:
    return match.group(1).lower()


def _after_roles(anchor: str, roles: list[str]) -> str:
    """The anchor of a possessive, without an outer "<role> of" still in front of it (those
    roles are added after the possessive ones by the caller)."""
    found = list(_OF_ROLE.finditer(anchor))
    return anchor[found[-1].end() :].strip() if found else anchor


def _attribute(text: str) -> Attribute:
    for pattern, attribute in _ATTRIBUTES:
        if pattern.search(text):
            return attribute
    if _ASKS_ENTITY.search(text):
        return Attribute.ITSELF
    return Attribute.OTHER


# "... represented Virginia Commonwealth University which was founded in what year?": the
# question asks about the name right before a relative pronoun whose clause holds the
# question word.
_FOCUS = re.compile(
    r"((?:[A-Z][\w'’.\-&]*)(?:\s+(?:of|the|de|and|for|in|on)?\s*[A-Z0-9][\w'’.\-&]*)*)\s*,?\s+"
    r"(?:which|that|who|whose)\s+[^?]*\b(?:what|which|how|when|where|who|whom)\b",
)


def parse_focus(question: str) -> str | None:
    """The named entity a relative clause asks about, if the question has one."""
    match = _FOCUS.search(" ".join(question.split()))
    if match is None or match.start() == 0:
        return None  # the question's own first word is no name
    return match.group(1)
