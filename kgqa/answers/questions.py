"""What a question asks for: yes/no, a choice between options, or a typed wh- answer.

English only (other languages get ``OTHER`` / ``ANY`` and are answered freely). Examples::

    >>> classify("Who was born first, Arthur Conan Doyle or Penelope Lively?").options
    ('Arthur Conan Doyle', 'Penelope Lively')
    >>> classify("Are Kurram Garhi and Trojkrsti in the same country?").kind
    <QuestionKind.YES_NO: 'yes_no'>
    >>> classify("When did the director of film Hypocrite die?").answer_type
    <AnswerType.DATE: 'date'>
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    COMPARISON = "comparison"  # the answer is one of ``options``
    WH = "wh"
    OTHER = "other"


class AnswerType(StrEnum):
    PERSON = "person"
    PLACE = "place"
    DATE = "date"
    NUMBER = "number"
    ORGANIZATION = "organization"
    NATIONALITY = "nationality"
    ANY = "any"


@dataclass(slots=True, frozen=True)
class QuestionType:
    kind: QuestionKind
    answer_type: AnswerType = AnswerType.ANY
    options: tuple[str, ...] = ()


_AUXILIARIES = frozenset(
    "is are was were am do does did can could has have had will would shall should may might "
    "must".split()
)
# Head nouns after "what"/"which" that fix the answer type.
_NOUN_TYPES: dict[str, AnswerType] = {
    **dict.fromkeys(
        "country countries city cities state town village place county nation continent region "
        "location island province capital birthplace district area river mountain".split(),
        AnswerType.PLACE,
    ),
    **dict.fromkeys(
        "year date day month century decade time era birthday".split(), AnswerType.DATE
    ),
    **dict.fromkeys(
        "person man woman actor actress singer director writer author player composer "
        "musician politician king queen father mother husband wife son daughter brother "
        "sister spouse founder producer artist poet screenwriter novelist scientist physicist "
        "pilot driver manager coach president statesman chancellor minister footballer "
        "comedian dancer rapper guitarist drummer businessman explorer architect painter "
        "philosopher general emperor prince princess".split(),
        AnswerType.PERSON,
    ),
    **dict.fromkeys(
        "company organization organisation band team university college school league "
        "party club label network newspaper magazine firm group".split(),
        AnswerType.ORGANIZATION,
    ),
    **dict.fromkeys("nationality citizenship ethnicity".split(), AnswerType.NATIONALITY),
    **dict.fromkeys("number amount population".split(), AnswerType.NUMBER),
}
# Words after what/which searched for the head noun: "Which French ace pilot and adventurer"
# has it fourth (hotpotqa-dev); the scan stops at a verb or preposition, where the noun phrase
# ends.
_NOUN_WINDOW = 5
_STOP_NOUN_SCAN = frozenset("of the a an in on at for with by from to that who which".split())
_WH_TYPES = {
    "who": AnswerType.PERSON,
    "whom": AnswerType.PERSON,
    "whose": AnswerType.PERSON,
    "where": AnswerType.PLACE,
    "when": AnswerType.DATE,
}
# "Was A or B born first?": an auxiliary opens it, yet it asks which option, not yes or no.
_CHOOSING = re.compile(
    r"\b(first|earlier|earliest|later|latest|last|older|oldest|younger|youngest|longer|shorter|"
    r"sooner|more|fewer|less)\b",
    re.I,
)
_HOW_NUMBER = re.compile(r"\bhow\s+(many|much|long|old|far|tall|high|big|large)\b", re.I)
_WH_WORD = re.compile(r"\b(who|whom|whose|where|when|what|which|how)\b", re.I)
# "..., A or B?", "...: A or B?" and "... first A or B?": the options end the question;
# "Which band, A or B, had more members?": they stand between commas.
_TAIL_OPTIONS = re.compile(r"[,:]\s*(?P<a>[^,:?]+?),?\s+or\s+(?P<b>[^,:?]+?)\s*\??\s*$", re.I)
_INNER_OPTIONS = re.compile(r",\s*(?P<a>[^,?]+?)\s+or\s+(?P<b>[^,?]+?)\s*,", re.I)
_BARE_OPTIONS = re.compile(r"(?P<a>[^,?]+?)\s+or\s+(?P<b>[^,?]+?)\s*\??\s*$", re.I)
# A run of name-like words ending just before " or " (lower-case joiners allowed inside).
_NAME_RUN = re.compile(
    r"((?:[A-Z0-9\"'(][\w'’.\-:&!)\"]*)(?:\s+(?:(?:of|the|a|an|and|de|la|le|von|van|for|in|on|"
    r"to|du|des|del|da|di)\s+)*[A-Z0-9\"'(][\w'’.\-:&!)\"]*)*)\s*$"
)


def classify(question: str) -> QuestionType:
    """The question's kind, expected answer type and, for a comparison, its options."""
    text = " ".join(question.strip().split())
    if not text:
        return QuestionType(QuestionKind.OTHER)
    first = text.split(" ", 1)[0].lower().strip("\"'")
    options = _options(text)
    answer_type = _answer_type(text)
    if options and (first not in _AUXILIARIES or _WH_WORD.match(text) or _CHOOSING.search(text)):
        return QuestionType(QuestionKind.COMPARISON, answer_type, options)
    if first in _AUXILIARIES:
        return QuestionType(QuestionKind.YES_NO)
    if _WH_WORD.search(text):
        return QuestionType(QuestionKind.WH, answer_type)
    return QuestionType(QuestionKind.OTHER, answer_type)


def _answer_type(text: str) -> AnswerType:
    if _HOW_NUMBER.search(text):
        return AnswerType.NUMBER
    matches = list(_WH_WORD.finditer(text))
    if not matches:
        return AnswerType.ANY
    # "X, which was founded in what year?": a later "what <noun>" names the type the first
    # wh-word (a relative pronoun) does not.
    for match in matches:
        if match.group(1).lower() in ("what", "which"):
            typed = _noun_type(text[match.end() :].split())
            if typed != AnswerType.ANY:
                return typed
    word = matches[0].group(1).lower()
    if word in ("what", "which", "how"):
        return AnswerType.ANY
    if word == "whose":
        return AnswerType.PERSON
    return _WH_TYPES[word]


def _noun_type(rest: list[str]) -> AnswerType:
    """The type named by the first nouns after what/which ("which film's director" -> any,
    "what year" -> date, "which country is X from" -> place)."""
    copula = len(rest) > 2 and rest[0].lower() in ("is", "was", "are", "were")
    if copula and rest[1].lower() in ("the", "a", "an"):
        rest = rest[2:]  # "What is the date of death of ...": the noun after "is the"
    for word in rest[:_NOUN_WINDOW]:
        key = re.sub(r"[^\w]", "", word.lower())
        if key.endswith("s") and key[:-1] in _NOUN_TYPES and key not in _NOUN_TYPES:
            key = key[:-1]
        if key in _NOUN_TYPES:
            return _NOUN_TYPES[key]
        if key in _AUXILIARIES or key in _STOP_NOUN_SCAN:
            break
    return AnswerType.ANY


def _options(text: str) -> tuple[str, ...]:
    if not re.search(r"\bor\b", text, re.I):
        return ()
    for pattern in (_TAIL_OPTIONS, _INNER_OPTIONS):
        match = pattern.search(text)
        if match and " or " not in match.group("a").lower():
            return _clean(match.group("a"), match.group("b"))
    match = _BARE_OPTIONS.search(text)
    if not match:
        return ()
    before, b = text[: match.start("b")], match.group("b")
    before = re.sub(r"\s+or\s*$", "", before, flags=re.I)
    run = _NAME_RUN.search(before)
    if not run or not run.group(1):
        return ()
    a = run.group(1)
    head = a.split(" ", 1)
    if len(head) == 2 and head[0].lower() in _AUXILIARIES and a == text[: len(a)]:
        a = head[1]  # "Was A or B born first?": the auxiliary is not part of A
    # "... or B born first?": B ends where the lower-case predicate starts.
    b = re.sub(r"(?:\s+[a-z][\w\-]*)+\s*$", "", b) if b[:1].isupper() else b
    return _clean(a, b)


def _clean(*options: str) -> tuple[str, ...]:
    out = []
    for option in options:
        option = option.strip(" \"'?.").strip()
        option = re.sub(
            r"^(the\s+)?(film|movie|song|album|book|band|novel)\s+", "", option, flags=re.I
        )
        if option:
            out.append(option)
    return tuple(out) if len(out) == 2 else ()
