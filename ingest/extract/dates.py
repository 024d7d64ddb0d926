"""Life dates in parentheses: "Frank Launder (28 January 1906 – 23 February 1997)".

Biographies give birth and death dates in a parenthesis right after the person's name, in a few
fixed shapes; the parse does not relate them, so a pattern does:

- ``(born 12 June 1967)``, ``(b. 1967)``                  -> born on
- ``(died October 1346)``, ``(d. 20 March 851)``           -> died on
- ``(15 November 1911 – 17 May 2003)``, ``(835 –)``         -> born on, died on
- ``(c. 1100 - 1150)``                                      -> born on, died on
- ``(22 September 1869, Évreux – 9 December 1925, Paris)`` -> and born in, died in

Nested parentheses (alternative names with their own years) are skipped, and a part of the
parenthesis that is neither shape (``born Manó Kaminer``) is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
# Longest shapes first: "24 December 1886", "December 24, 1886", "October 1346", "1886".
DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+{_MONTH}\s+\d{{1,4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{1,4}}"
    rf"|{_MONTH}\s+\d{{3,4}}|\d{{3,4}})(?:\s*(?:AD|BC|BCE|CE)\b)?(?!\d)"
)
_BORN = re.compile(r"(?:\bborn|\bb\.)\s*(?:on\s+|in\s+)?(?:c\.\s*|circa\s+|about\s+)?$", re.I)
_DIED = re.compile(r"(?:\bdied|\bd\.)\s*(?:on\s+|in\s+)?(?:c\.\s*|circa\s+|about\s+)?$", re.I)
# What may stand between a birth date and a death date: a dash, "to", or a bare space
# (the 2Wiki copy lost many dashes: "December 24, 1886 April 11, 1962").
_RANGE_GAP = re.compile(r"^\s*(?:[-–—]|to)?\s*(?:c\.\s*|circa\s+)?$")
_LEAD = re.compile(r"^\s*(?:c\.\s*|circa\s+|ca\.\s*)?$")
_OPEN_RANGE = re.compile(r"^\s*[-–—]\s*\)?\s*$")


@dataclass(slots=True, frozen=True)
class LifeDate:
    predicate: str  # "born on" or "died on"; "born in" or "died in" for a place
    start: int  # offsets into the text given to ``life_dates``
    end: int


def parentheses(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each top-level parenthesis' content, nested ones left inside."""
    depth, opened = 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                opened = i + 1
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                yield opened, i


def life_dates(text: str, start: int, end: int) -> list[LifeDate]:
    """Birth and death dates stated in ``text[start:end]`` (a parenthesis' content)."""
    content = _blank_nested(text[start:end])
    out: list[LifeDate] = []
    for part_start, part in _parts(content):
        dates = list(DATE.finditer(part))
        if not dates:
            continue
        first = dates[0]
        before = part[: first.start()]
        base = start + part_start
        if _BORN.search(before):
            out.append(LifeDate("born on", base + first.start(), base + first.end()))
        elif _DIED.search(before):
            out.append(LifeDate("died on", base + first.start(), base + first.end()))
        elif (
            _LEAD.match(before)
            and len(dates) >= 2
            and _RANGE_GAP.match(part[first.end() : dates[1].start()])
            and not part[dates[1].end() :].strip(" ,.;")
        ):
            out.append(LifeDate("born on", base + first.start(), base + first.end()))
            out.append(LifeDate("died on", base + dates[1].start(), base + dates[1].end()))
        elif _LEAD.match(before) and len(dates) == 1 and _OPEN_RANGE.match(part[first.end() :]):
            out.append(LifeDate("born on", base + first.start(), base + first.end()))
        elif _LEAD.match(before) and len(dates) == 2:
            out.extend(_dates_with_places(part, base, dates))
    return out


# "22 September 1869, Évreux – 9 December 1925, Paris", "3 February 1909, in Carcassonne – ..."
_WORD = r"[^\W\d_][\w'’.-]*"
_PLACE_AFTER = re.compile(rf"^,\s*(?:in\s+|at\s+)?({_WORD}(?:[ -]{_WORD})*)\s*$")
_DASH = re.compile(r"\s[-–—]\s|[–—]")


def _dates_with_places(part: str, base: int, dates: list[re.Match[str]]) -> list[LifeDate]:
    between = part[dates[0].end() : dates[1].start()]
    dash = _DASH.search(between)
    if dash is None:
        return []
    out = [
        LifeDate("born on", base + dates[0].start(), base + dates[0].end()),
        LifeDate("died on", base + dates[1].start(), base + dates[1].end()),
    ]
    for predicate, after, offset in (
        ("born in", between[: dash.start()], dates[0].end()),
        ("died in", part[dates[1].end() :], dates[1].end()),
    ):
        place = _PLACE_AFTER.match(after.rstrip(" ;."))
        if place is not None and all(w[0].isupper() for w in place.group(1).split()):
            out.append(
                LifeDate(predicate, base + offset + place.start(1), base + offset + place.end(1))
            )
    return out


def _blank_nested(content: str) -> str:
    """Nested parentheses replaced by spaces, so offsets stay and their years are not read."""
    chars = list(content)
    depth = 0
    for i, ch in enumerate(content):
        if ch == "(":
            depth += 1
        if depth:
            chars[i] = " "
        if ch == ")" and depth:
            depth -= 1
    return "".join(chars)


def _parts(content: str) -> Iterator[tuple[int, str]]:
    """The parts of a parenthesis separated by ";" (or ", " before "died"), with offsets."""
    offset = 0
    for piece in re.split(r"(;|,\s+(?=(?:died|d\.)\s))", content):
        if piece in (";",) or re.fullmatch(r",\s+", piece or ""):
            offset += len(piece)
            continue
        yield offset, piece
        offset += len(piece)
