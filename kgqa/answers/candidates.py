"""Candidate answers composed from the evidence: typed spans of the passages and the end
entities of the graph's facts and relation paths, each scored by how well its context matches
the question.

A small reader then chooses among a few strings instead of generating freely, and the best
candidate answers when the reader fails or is not supported. Nothing here knows a data set:
the signals are the expected answer type, the words the question shares with the sentence a
candidate stands in, and the retrieval rank of the evidence item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kgqa.answers.normal import contains, normalise
from kgqa.answers.questions import AnswerType, QuestionType
from kgqa.keyword.tokenize import tokenize

# spaCy OntoNotes labels (and the graph's entity types, which are the same labels) by the
# answer type they can fill.
LABEL_TYPES: dict[str, AnswerType] = {
    "PERSON": AnswerType.PERSON,
    "GPE": AnswerType.PLACE,
    "LOC": AnswerType.PLACE,
    "FAC": AnswerType.PLACE,
    "DATE": AnswerType.DATE,
    "CARDINAL": AnswerType.NUMBER,
    "QUANTITY": AnswerType.NUMBER,
    "MONEY": AnswerType.NUMBER,
    "PERCENT": AnswerType.NUMBER,
    "ORG": AnswerType.ORGANIZATION,
    "NORP": AnswerType.NATIONALITY,
}
# Types that may stand in for each other: a "which company" answer is often tagged GPE or
# PERSON by a small NER model, a nationality is often asked as "which country".
_COMPATIBLE: dict[AnswerType, frozenset[AnswerType]] = {
    AnswerType.PLACE: frozenset({AnswerType.PLACE}),
    AnswerType.PERSON: frozenset({AnswerType.PERSON}),
    AnswerType.DATE: frozenset({AnswerType.DATE}),
    AnswerType.NUMBER: frozenset({AnswerType.NUMBER}),
    AnswerType.NATIONALITY: frozenset({AnswerType.NATIONALITY, AnswerType.PLACE}),
    AnswerType.ORGANIZATION: frozenset(
        {AnswerType.ORGANIZATION, AnswerType.PLACE, AnswerType.PERSON, AnswerType.ANY}
    ),
}
# Score weights, set by hand (not tuned) and checked on hotpotqa-dev and the 2Wiki sample of
# the README: sentence overlap (question words shared) dominates, rank breaks ties, a fact whose
# subject the question names counts as much as a sentence sharing two question words.
RANK_DECAY = 0.15  # per evidence item: the first passages are the ones retrieval trusts
FACT_BONUS = 2.0  # a typed fact or relation path from a question entity
REPEAT_BONUS = 0.25  # per further evidence item that names the same candidate


class Tagger(Protocol):
    def tag(self, texts: Sequence[str]) -> list[list[tuple[str, str]]]:
        """(span text, label) per text, labels as spaCy's OntoNotes set."""


@dataclass(slots=True)
class Candidate:
    text: str
    type: AnswerType
    score: float
    items: list[int] = field(default_factory=list)  # evidence numbers it occurs in
    sentence: str = ""  # the best sentence it stands in (for the explanation)
    favoured: bool = False  # said on the page the question is about (see ``compose``)


@dataclass(slots=True, frozen=True)
class CandidateSource:
    """One evidence item as candidates see it."""

    n: int
    kind: str  # "passage" | "fact"
    title: str
    text: str
    # For facts: (subject, predicate, object, object label).
    subject: str = ""
    predicate: str = ""
    object: str = ""
    object_label: str = ""


# A sentence ends after CJK end punctuation, or after . ! ? and white space, except after an
# initial or a common abbreviation ("K. A. Applegate", "the U.S. in 1900", "Dr. Who"). The
# earlier pattern dropped text it could not end ("He was born in the U" vanished from "He was
# born in the U.S. in 1900."), and with it the answers in that text.
_BOUNDARY = re.compile(
    r"(?<=[。！？])|(?<=[.!?])(?<!\b[A-Z]\.)(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|Mt|No|vs)\.)\s+"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{3,4}}|(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{3,4}}"
    rf"|(?:{_MONTHS})\s+\d{{3,4}}|\d{{3,4}})\b"
)


_DIGIT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|"
    r"thousand|million|billion)\b",
    re.I,
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _BOUNDARY.split(text) if s.strip()]


def fits(candidate: AnswerType, wanted: AnswerType) -> bool:
    if wanted == AnswerType.ANY:
        return True
    return candidate in _COMPATIBLE.get(wanted, frozenset({wanted}))


def compose(
    question: str,
    qtype: QuestionType,
    sources: Sequence[CandidateSource],
    tagger: Tagger | None,
    limit: int = 8,
    favoured: frozenset[int] = frozenset(),
    exclude: Sequence[str] = (),
) -> list[Candidate]:
    """The best ``limit`` candidates of the expected type, best first, none of them named by
    the question. Those said in the evidence items ``favoured`` come first: it is the page of the
    entity the question describes ("the director of film X" -> the director's page, reached
    by kgqa.answers.hops) or asks about in a relative clause, and the question words other
    pages share are mostly the first hop's, not the answer's. Names in ``exclude`` (the
    entities a question's chain passes through) are not candidates."""
    wanted = set(tokenize(question))
    found: dict[str, Candidate] = {}
    passages = [s for s in sources if s.kind == "passage"]
    tagged = _tag_sentences(passages, tagger)
    for rank, (source, pairs) in enumerate(tagged):
        for sentence, spans in pairs:
            tokens = set(tokenize(sentence)) | set(tokenize(source.title))
            for text, label in spans:
                kind = LABEL_TYPES.get(label, AnswerType.ANY)
                if not fits(kind, qtype.answer_type) or _named_by(text, question):
                    continue
                if any(same_entity(x, text) for x in exclude):
                    continue
                if kind in (AnswerType.DATE, AnswerType.NUMBER) and not _DIGIT.search(text):
                    continue  # "the first season", "annually": dates without a date
                overlap = len((tokens - set(tokenize(text))) & wanted)
                score = overlap - RANK_DECAY * rank
                _add(found, text, kind, score, source.n, sentence, source.n in favoured)
    for source in sources:
        if source.kind != "fact" or not source.object:
            continue
        kind = LABEL_TYPES.get(source.object_label, AnswerType.ANY)
        if not fits(kind, qtype.answer_type) or _named_by(source.object, question):
            continue
        subject_named = _named_by(source.subject, question)
        overlap = len(set(tokenize(source.predicate)) & wanted)
        score = overlap + (FACT_BONUS if subject_named else 0.0)
        _add(found, source.object, kind, score, source.n, source.text)
    ranked = sorted(found.values(), key=lambda c: (not c.favoured, -c.score))
    return ranked[:limit]


def _tag_sentences(
    passages: Sequence[CandidateSource], tagger: Tagger | None
) -> list[tuple[CandidateSource, list[tuple[str, list[tuple[str, str]]]]]]:
    split = [(p, sentences(p.text)) for p in passages]
    flat = [s for _, ss in split for s in ss]
    tags = tagger.tag(flat) if tagger is not None and flat else [[] for _ in flat]
    out, i = [], 0
    for passage, ss in split:
        pairs = []
        for sentence in ss:
            spans = list(tags[i]) + [(m.group(0), "DATE") for m in DATE.finditer(sentence)]
            pairs.append((sentence, _dedupe(spans)))
            i += 1
        out.append((passage, pairs))
    return out


def _dedupe(spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A regex date inside an NER date ("1867" in "7 November 1867") is the same answer."""
    keep: list[tuple[str, str]] = []
    for text, label in spans:
        if any(text != t and contains(t, text) for t, _ in spans if len(t) > len(text)):
            continue
        if (text, label) not in keep:
            keep.append((text, label))
    return keep


def same_entity(a: str, b: str) -> bool:
    """Whether one name's words are all in the other ("Peter Schmeichel", "Peter Bolesław
    Schmeichel MBE")."""
    x, y = set(normalise(a).split()), set(normalise(b).split())
    return bool(x and y) and (x <= y or y <= x)


def _named_by(text: str, question: str) -> bool:
    return contains(question, text)


def _add(
    found: dict[str, Candidate],
    text: str,
    kind: AnswerType,
    score: float,
    n: int,
    sentence: str,
    favoured: bool = False,
) -> None:
    key = normalise(text)
    if not key:
        return
    current = found.get(key)
    if current is None:
        found[key] = Candidate(text.strip(), kind, score, [n], sentence, favoured)
        return
    if favoured and not current.favoured:  # its score from now on is the favoured page's
        current.favoured, current.score, current.sentence = True, score, sentence
        if n not in current.items:
            current.items.append(n)
        return
    if current.favoured and not favoured:
        if n not in current.items:
            current.items.append(n)
        return
    best = max(current.score, score)
    if n not in current.items:
        current.items.append(n)
        # Said again by another item: a little more likely.
        best += REPEAT_BONUS
    if score > current.score:
        current.sentence = sentence
    current.score = best
