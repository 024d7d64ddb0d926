"""An attribute of a page's subject read off the page: where and when it was born or died or
buried, its nationality, where it studied or worked, an award.

Encyclopaedic English prose says these in a few fixed ways: "(born 15 December 1972)",
"(January 22, 1931 – December 11, 1964)", "He was born in Figueira da Foz on February 2, 1939
and died ... in Lisbon", "was an American singer". The value is the first span of the right
kind after the word that says the attribute, in the first sentence that has that word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kgqa.answers.candidates import DATE, Tagger, sentences
from kgqa.answers.chain import Attribute

# Cue words per attribute; the value follows the cue in its sentence.
_CUES: dict[Attribute, str] = {
    Attribute.BIRTH_PLACE: r"\bborn\b",
    Attribute.DEATH_PLACE: r"\b(?:died|death|killed|passed away)\b",
    Attribute.BIRTH_DATE: r"\bborn\b",
    Attribute.DEATH_DATE: r"\b(?:died|death|killed|passed away)\b",
    Attribute.BURIAL_PLACE: r"\b(?:buried|interred|burial|entombed|laid to rest)\b",
    Attribute.EDUCATION: (
        r"\b(?:studied|graduated|graduate|educated|attended|alumn\w*|degree|enrolled|studies)\b"
    ),
    Attribute.EMPLOYER: r"\b(?:work(?:ed|s)?|professor|employed|joined|lecturer|taught)\b",
    Attribute.AWARD: r"\b(?:won|received|awarded|recipient|winner|honou?red)\b",
}
# NER labels that can be each attribute's value.
_PLACE = frozenset({"GPE", "LOC", "FAC"})
_LABELS: dict[Attribute, frozenset[str]] = {
    Attribute.BIRTH_PLACE: _PLACE,
    Attribute.DEATH_PLACE: _PLACE,
    Attribute.BURIAL_PLACE: _PLACE | {"ORG"},
    Attribute.EDUCATION: frozenset({"ORG", "FAC", "GPE"}),
    Attribute.EMPLOYER: frozenset({"ORG", "FAC"}),
    Attribute.AWARD: frozenset({"WORK_OF_ART", "EVENT", "ORG", "PRODUCT", "LAW"}),
    Attribute.NATIONALITY: frozenset({"NORP", "GPE"}),
    Attribute.COUNTRY: frozenset({"GPE", "NORP"}),
}
# A place's value stops at the next clause: "born in Mysore, Karnataka and died in ...".
_CLAUSE_END = re.compile(r"\b(?:and|but|where|died|death|he|she|they|after|before)\b|[;()]")
# "(3 September 1878, Baden bei Wien, Lower Austria – 25 November 1968, Altshausen)".
_LIFESPAN = re.compile(r"\(([^()]*?\d{3,4}[^()]*?)\s+[–—-]\s+([^()]*?\d{3,4}[^()]*?)\)")
_LIFESPAN_SIDE = {
    Attribute.BIRTH_DATE: 0,
    Attribute.BIRTH_PLACE: 0,
    Attribute.DEATH_DATE: 1,
    Attribute.DEATH_PLACE: 1,
}
_AWARD_NAME = re.compile(
    r"\b(?:the\s+)?((?:[A-Z][\w'’.\-]*)(?:\s+(?:for|of|the|in|and|de|du)?\s*[A-Z0-9&][\w'’.\-&]*)*)"
)
_PLACES = frozenset({Attribute.BIRTH_PLACE, Attribute.DEATH_PLACE, Attribute.BURIAL_PLACE})
_IN_PLACE = re.compile(
    r"\b(?:in|at)\s+((?:[A-Z][\w'’\-]*)(?:\s+(?:da|de|del|di|do|la|le|of|upon|am|an|bei|sur)?"
    r"\s*[A-Z][\w'’\-]*)*(?:,\s*[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)*)"
)
# Characters of a page's start searched for the lifespan in brackets.
_HEAD_CHARS = 300
# The page's head, where nationality is said ("was an American singer").
_HEAD_SENTENCES = 2


@dataclass(slots=True, frozen=True)
class Found:
    value: str
    sentence: str


def read_attribute(text: str, attribute: Attribute, tagger: Tagger | None) -> Found | None:
    parts = sentences(text)
    if not parts:
        return None
    if attribute in (Attribute.NATIONALITY, Attribute.COUNTRY):
        return _from_head(parts, attribute, tagger)
    side = _LIFESPAN_SIDE.get(attribute)
    if side is not None:
        found = _from_lifespan(text[:_HEAD_CHARS], parts[0], attribute, side, tagger)
        if found is not None:
            return found
    cue = re.compile(_CUES.get(attribute, r"$^"), re.I)
    for sentence in parts:
        for match in cue.finditer(sentence):
            value = _value_after(sentence[match.end() :], attribute, tagger)
            if value:
                return Found(value, sentence)
    return None


def _from_lifespan(
    head: str, first: str, attribute: Attribute, side: int, tagger: Tagger | None
) -> Found | None:
    """From the dates in brackets after the name; ``head`` is the page's start (a sentence
    splitter cuts "(c. 848 – after 890)" after "c.")."""
    match = _LIFESPAN.search(head)
    if match is None:
        return None
    part = match.group(side + 1)
    if attribute in (Attribute.BIRTH_DATE, Attribute.DEATH_DATE):
        date = DATE.search(part)
        return Found(date.group(0), first) if date else None
    # The place is what follows the date: "3 September 1878, Baden bei Wien, Lower Austria".
    date = DATE.search(part)
    rest = part[date.end() :].strip(" ,") if date else ""
    if not rest or tagger is None:
        return None
    places = [s for s, label in tagger.tag([rest])[0] if label in _PLACE]
    return Found(places[0], first) if places else None


def _value_after(text: str, attribute: Attribute, tagger: Tagger | None) -> str:
    window = text[:160]
    if attribute in (Attribute.BIRTH_DATE, Attribute.DEATH_DATE):
        cut = _CLAUSE_END.search(window[1:])
        date = DATE.search(window[: cut.start() + 1] if cut else window)
        return date.group(0) if date else ""
    if attribute == Attribute.AWARD:
        name = _AWARD_NAME.search(window)
        return name.group(1) if name else ""
    if tagger is None:
        return ""
    cut = _CLAUSE_END.search(window)
    clause = window[: cut.start()] if cut and cut.start() > 0 else window
    wanted = _LABELS.get(attribute, frozenset())
    spans = [(s, label) for s, label in tagger.tag([clause])[0] if label in wanted]
    found = _joined(clause, [s for s, _ in spans])
    if not found and attribute in _PLACES:
        # The small NER model misses many places ("Figueira da Foz"): "in <Name>".
        match = _IN_PLACE.search(clause)
        found = match.group(1) if match else ""
    return found


def _joined(clause: str, spans: Sequence[str]) -> str:
    """The first span, with the ones that follow it after a comma ("Los Angeles, California")."""
    if not spans:
        return ""
    value = spans[0]
    at = clause.find(value)
    for span in spans[1:]:
        rest = clause[at + len(value) :]
        if at < 0 or not rest.lstrip(", ").startswith(span) or not rest.startswith(","):
            break
        value = f"{value}, {span}"
    return value


def _from_head(parts: Sequence[str], attribute: Attribute, tagger: Tagger | None) -> Found | None:
    if tagger is None:
        return None
    order = ("NORP", "GPE") if attribute == Attribute.NATIONALITY else ("NORP", "GPE")
    for sentence in parts[:_HEAD_SENTENCES]:
        spans = tagger.tag([sentence])[0]
        for label in order:
            found = [s for s, lab in spans if lab == label]
            if found:
                return Found(found[0], sentence)
    return None
