"""The short answer inside a reader's reply: "yes"/"no", one of the options, or the typed span.

Small readers write sentences ("Marie Curie was born in Warsaw in 1867."), repeat the question,
or prefix "Answer:". The short answer is taken from the reply's first sentence: a candidate it
names, else a span of the expected type that the question does not contain, else the whole
sentence when it is already short.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kgqa.answers.candidates import DATE, Candidate
from kgqa.answers.normal import contains, normalise
from kgqa.answers.questions import AnswerType, QuestionKind, QuestionType
from kgqa.keyword.tokenize import tokenize
from kgqa.reader.citations import MARKER, is_abstention

# Replies longer than this many words are sentences, not answers: look for a span inside.
SHORT_WORDS = 6
_PREFIX = re.compile(
    r"^\s*(?:(?:short\s+)?answer\s*[:\-]|the\s+answer\s+is\s*:?|a\s*:)\s*", re.IGNORECASE
)
_YES_NO = re.compile(r"\b(yes|no)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(not|n't|never|different|neither|no)\b", re.IGNORECASE)
# The first sentence ends at . ! ? before white space, but not after an initial ("K. A.
# Applegate" was cut to "K." on hotpotqa-dev).
_FIRST = re.compile(r"^(.+?(?:(?<!\b[A-Z])[.!?](?=\s|$)|\n|$))", re.DOTALL)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_YEAR = re.compile(r"1[0-9]{3}|20[0-9]{2}")
_NAME = re.compile(r"\b[A-Z][\w'’\-]*(?:\s+(?:of|de|la|von|van|the)?\s*[A-Z][\w'’\-]*)*")


def first_sentence(reply: str) -> str:
    """The reply's first sentence, without citation markers or an "Answer:" prefix."""
    text = MARKER.sub(" ", reply).strip()
    text = _PREFIX.sub("", text)
    match = _FIRST.match(text)
    sentence = match.group(1) if match else text
    return " ".join(sentence.split()).strip(" .")


def extract_short(
    reply: str, question: str, qtype: QuestionType, candidates: Sequence[Candidate] = ()
) -> str:
    """The short answer in ``reply``; "" when it holds none (an abstention, or nothing of the
    expected kind)."""
    if is_abstention(reply):
        return ""
    sentence = first_sentence(reply)
    if not sentence:
        return ""
    if qtype.kind == QuestionKind.YES_NO:
        return _yes_no(sentence)
    if qtype.kind == QuestionKind.COMPARISON:
        return choose_option(sentence, qtype.options)
    return _typed_span(sentence, question, qtype.answer_type, candidates)


def _yes_no(sentence: str) -> str:
    match = _YES_NO.search(sentence)
    if match:
        return match.group(1).lower()
    return "no" if _NEGATION.search(sentence) else "yes"


def choose_option(text: str, options: Sequence[str]) -> str:
    """The option ``text`` names first; failing that, the one sharing most of its words."""
    positions = []
    for option in options:
        at = f" {normalise(text)} ".find(f" {normalise(option)} ")
        if at >= 0:
            positions.append((at, option))
    if positions:
        return min(positions)[1]
    words = set(normalise(text).split())
    scored = [
        (len(words & set(normalise(o).split())) / max(1, len(normalise(o).split())), o)
        for o in options
    ]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= 0.5 else ""


def _typed_span(
    sentence: str, question: str, wanted: AnswerType, candidates: Sequence[Candidate]
) -> str:
    short = len(sentence.split()) <= SHORT_WORDS
    if short and not set(tokenize(sentence)) & set(tokenize(question)):
        return sentence  # already an answer ("Greenwich Village, New York City")
    named = [
        (f" {normalise(sentence)} ".find(f" {normalise(c.text)} "), -len(c.text), c.text)
        for c in candidates
        if contains(sentence, c.text)
    ]
    if named:
        return min(named)[2]
    for span in _spans(sentence, wanted):
        if not contains(question, span):
            return span
    return sentence if short else ""


def _spans(sentence: str, wanted: AnswerType) -> list[str]:
    if wanted == AnswerType.DATE:
        return [m.group(0) for m in DATE.finditer(sentence)]
    if wanted == AnswerType.NUMBER:  # a count, not the year it was counted in
        return [m.group(0) for m in _NUMBER.finditer(sentence) if not _YEAR.fullmatch(m.group(0))]
    return [m.group(0) for m in _NAME.finditer(sentence)]


# "What year ...", "in which year ...", "born in what year": the answer is the year alone.
_ASKS_YEAR = re.compile(r"\b(?:what|which)\s+year\b", re.I)


def to_asked_precision(short: str, question: str) -> str:
    """The year of a full date when the question asks for a year ("December 10, 1962" ->
    "1962" for "... born in what year?"); anything else unchanged."""
    if not _ASKS_YEAR.search(question):
        return short
    years = _YEAR.findall(short)
    return years[-1] if len(years) == 1 and short != years[0] else short
