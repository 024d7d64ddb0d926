"""Does the evidence an answer cites say its short answer?

- A wh- answer is supported when its short answer occurs (normalised; numbers as words or
  digits) in an item it cites. Found only in other items, those become its citations. Found in
  none ("Warsaw" against "born in the town of Vellmora"), it is replaced by the best candidate
  of the expected type that the evidence does say, or rejected when there is none.
- "yes"/"no", and a comparison's option, have nothing to find verbatim: they are supported when
  the cited evidence (or, citing nothing, any evidence) names the entities compared.
- Nothing supported: abstain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from kgqa.answers.candidates import Candidate
from kgqa.answers.normal import contains
from kgqa.answers.questions import AnswerType, QuestionKind, QuestionType


class Verdict(StrEnum):
    SUPPORTED = "supported"
    CORRECTED = "corrected"  # the reader's short answer was replaced from the evidence
    REJECTED = "rejected"


@dataclass(slots=True)
class Support:
    verdict: Verdict
    short: str
    cited: list[int] = field(default_factory=list)
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict != Verdict.REJECTED


# Capitalised word runs: the entities a yes/no question names ("Are Kurram Garhi and Trojkrsti
# in the same country?"). The question's first word is capitalised anyway and is skipped.
_NAMED = re.compile(r"[A-Z0-9][\w'’\-.]*(?:\s+(?:of|de|la|von|van|the)?\s*[A-Z0-9][\w'’\-.]*)*")


def named_entities(question: str) -> list[str]:
    # "Garbo (Film)": the qualifier disambiguates a title, it is not another entity.
    words = re.sub(r"\s*\([^)]*\)", "", question).strip().split(" ", 1)
    rest = words[1] if len(words) > 1 else ""
    return [m.group(0).strip(".") for m in _NAMED.finditer(rest) if len(m.group(0)) > 1]


def check_support(
    short: str,
    qtype: QuestionType,
    question: str,
    cited: Sequence[int],
    items: Mapping[int, str],
    candidates: Sequence[Candidate] = (),
) -> Support:
    """The verdict on ``short``, with the evidence numbers that support it (in order)."""
    cited = [n for n in cited if n in items]
    if qtype.kind == QuestionKind.YES_NO:
        return _compared(short, short in ("yes", "no"), named_entities(question), cited, items)
    if qtype.kind == QuestionKind.COMPARISON:
        return _compared(short, short in qtype.options, list(qtype.options), cited, items)
    if short and not _fits_type(short, qtype):
        short_given, short = short, ""
    else:
        short_given = short
    if short:
        found = [n for n in cited if contains(items[n], short)]
        if found:
            return Support(Verdict.SUPPORTED, short, found)
        if not cited:  # nothing cited: the items that say it become its citations
            found = [n for n in items if contains(items[n], short)]
            if found:
                return Support(Verdict.SUPPORTED, short, found[:2], "cited by content")
    reason = f"{short_given!r} is in no cited evidence item" if short_given else "no answer"
    # Corrected from the evidence: the best candidate of the page the question is about, else
    # the best the cited items say, else any item.
    favoured = [c for c in candidates if c.favoured]
    pools = [(favoured, list(items)), (candidates, list(cited)), (candidates, list(items))]
    for group, pool in pools:
        for candidate in group:
            found = [n for n in candidate.items if n in pool and contains(items[n], candidate.text)]
            if found:
                return Support(Verdict.CORRECTED, candidate.text, found[:2], reason)
    return Support(Verdict.REJECTED, "", [], f"{short_given!r} is in no evidence item")


_NUMERIC = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand)\b", re.I
)


def _fits_type(short: str, qtype: QuestionType) -> bool:
    """A date or a number has digits (or number words); other types cannot be told by shape."""
    if qtype.answer_type in (AnswerType.DATE, AnswerType.NUMBER):
        return bool(_NUMERIC.search(short))
    return True


def _compared(
    short: str, valid: bool, entities: Sequence[str], cited: Sequence[int], items: Mapping[int, str]
) -> Support:
    if not valid:
        return Support(Verdict.REJECTED, "", [], f"{short!r} does not answer the question's kind")
    pool = list(cited) or list(items)
    naming = [n for n in pool if any(contains(items[n], e) for e in entities)]
    if not naming and cited:  # cited the wrong items: look in all of them
        naming = [n for n in items if any(contains(items[n], e) for e in entities)]
    if not naming:
        return Support(Verdict.REJECTED, "", [], "no evidence names the compared entities")
    # One item per compared entity where possible, so each side of the comparison is cited.
    chosen: list[int] = []
    for entity in entities:
        for n in naming:
            if contains(items[n], entity) and n not in chosen:
                chosen.append(n)
                break
    return Support(Verdict.SUPPORTED, short, chosen or naming[:2])
