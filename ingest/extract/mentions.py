"""Which spans of a parsed chunk are entity mentions: NER, repaired, plus known names.

- Names the NER splits at an abbreviation or a possessive are joined again: "St. Maurice's" +
  "Abbey" -> "St. Maurice's Abbey"; "Dr." / "St." before a name and "Jr." / "Sr." after it
  belong to the name; the given names the NER left out before a person's surname belong to it
  ("Didier" + "Sandre", "Palle Kjærulff-" + "Schmidt").
- The titles of the documents being ingested are entity names: where one occurs verbatim in a
  chunk it is a mention, even when the small NER model misses it ("Ermengarde of Tours").
- Life dates (and places) found in parentheses (ingest.extract.dates) are mentions of their
  own, so "(December 24, 1886 April 11, 1962)" gives two dates, not one run-on span.

Overlaps are settled by priority (life dates, then titles, then NER), longer spans first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ingest.resolve import TITLE_WORDS

TOPIC_LABEL = "TOPIC"
_PREFIXES = frozenset({"St.", "Dr.", "Mt.", "Fr.", "Sr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Gen."})
_SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr"})
# A regnal number the NER left off ("John" + "I", "Wizlaw" + "II").
_REGNAL = re.compile(r"^(?:X{0,2})(?:IX|IV|V?I{0,3})$")
# Words before a name that say what the person is, not who ("Admiral George Rodney",
# "Justice Hugo Black", "the House of Representatives Nancy Pelosi"), besides the titles.
_ROLES = frozenset(
    "admiral justice judge senator representative representatives congressman congresswoman "
    "governor mayor chancellor minister speaker commander lieutenant sergeant major marshal "
    "commodore palatine regent abbot abbess rabbi imam reverend rev deacon chief director "
    "actor actress singer producer writer poet composer painter musician rapper coach vice "
    "father mother brother sister uncle aunt grand doctor".split()
)
_NOT_GIVEN_NAMES = TITLE_WORDS | _ROLES
_MIN_TITLE = 3
# How many untagged proper nouns a person's name may take on its left ("Palle Kjærulff- ").
_MAX_GIVEN = 3


def entity_spans(
    doc: Any, titles: Sequence[str], lives: Sequence[tuple[int, int, str]]
) -> list[tuple[Any, str]]:
    """(span, label) of the chunk's mentions, in text order, without overlaps. ``lives`` are
    the (start, end, label) of life dates and places, in chunk offsets."""
    candidates: list[tuple[int, int, int, str]] = []  # (priority, start token, end token, label)
    for start, end, label in lives:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            candidates.append((0, span.start, span.end, label))
    ner = _repaired_ents(doc)
    labels = {t: label for s, e, label in ner for t in range(s, e)}
    for start, end in _title_matches(doc.text, titles):
        span = doc.char_span(start, end, alignment_mode="contract")
        if span is not None and len(span):
            label = labels.get(span.start, TOPIC_LABEL)
            candidates.append((1, span.start, span.end, label if label != "DATE" else TOPIC_LABEL))
    candidates.extend((2, s, e, label) for s, e, label in ner)
    taken: set[int] = set()
    chosen: list[tuple[int, int, str]] = []
    for _, s, e, label in sorted(candidates, key=lambda c: (c[0], c[1] - c[2], c[1])):
        if any(t in taken for t in range(s, e)):
            continue
        taken.update(range(s, e))
        chosen.append((s, e, label))
    return [(doc[s:e], label) for s, e, label in sorted(chosen)]


def _repaired_ents(doc: Any) -> list[tuple[int, int, str]]:
    ents = [[e.start, e.end, e.label_] for e in doc.ents]
    merged: list[list[Any]] = []
    for ent in ents:
        if merged and _joins(doc, merged[-1], ent):
            merged[-1][1] = ent[1]
            merged[-1][2] = ent[2]
        else:
            merged.append(ent)
    for ent in merged:
        start, end = ent[0], ent[1]
        if ent[2] == "PERSON":
            start = ent[0] = _given_names_start(doc, start)
        if start > 0 and doc[start - 1].text in _PREFIXES:
            ent[0] = start - 1
        if end < len(doc) and _suffix(doc[end]) and doc[end - 1].pos_ == "PROPN":
            ent[1] = end + 1
    return [(s, e, label) for s, e, label in merged]


def _suffix(token: Any) -> bool:
    if token.text in _SUFFIXES:
        return True
    return bool(token.text) and bool(_REGNAL.match(token.text)) and token.pos_ == "PROPN"


def _given_names_start(doc: Any, start: int) -> int:
    """Where a person's name starts once the capitalised proper nouns right before it that the
    NER tagged as nothing are taken in ("Alain Libolt, Didier Sandre" tagged only "Sandre")."""
    first = start
    while first > 0 and start - first < _MAX_GIVEN and _untagged_name_word(doc[first - 1]):
        first -= 1
    return first


def _untagged_name_word(token: Any) -> bool:
    """A capitalised proper noun the NER tagged as nothing that is no title or role ("Princess
    Irina Pavlovna Paley" keeps its name as the NER found it)."""
    return (
        token.pos_ == "PROPN"
        and token.text[:1].isupper()
        and not token.ent_type_
        and not token.is_stop  # "Though Maurice ..." at a sentence's start
        and token.lower_.rstrip(".") not in _NOT_GIVEN_NAMES
    )


def _joins(doc: Any, left: list[Any], right: list[Any]) -> bool:
    """Whether two NER spans are one name the model split ("St. Maurice's" | "Abbey")."""
    if right[0] != left[1]:
        return False
    last, first = doc[left[1] - 1], doc[right[0]]
    if not first.text[:1].isupper():
        return False
    return last.text in ("'s", "’s") or last.text.endswith(".") or left[2] == right[2]


def _title_matches(text: str, titles: Sequence[str]) -> list[tuple[int, int]]:
    out = []
    for title in titles:
        if len(title) < _MIN_TITLE or not any(ch.isupper() for ch in title):
            continue
        for m in re.finditer(re.escape(title), text):
            s, e = m.start(), m.end()
            before = text[s - 1] if s else " "
            after = text[e] if e < len(text) else " "
            if not (before.isalnum() or after.isalnum()):
                out.append((s, e))
    return out
