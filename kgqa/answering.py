"""From evidence to a cited answer: number the evidence, ask the reader, check the citations.

Evidence numbering is shared by the prompt, the citations and the API response: item n of
``evidence_items`` is "[n]" everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kgqa.domain import Answer, Citation, Fact, Passage
from kgqa.errors import ReaderError
from kgqa.reader.base import ChatMessage, Reader
from kgqa.reader.citations import check_answer
from kgqa.reader.prompt import PromptEvidence, build_prompt
from kgqa.retrieval.engine import Evidence


@dataclass(slots=True, frozen=True)
class EvidenceItem:
    n: int
    kind: str  # "passage" | "fact"
    id: str
    doc_id: str
    title: str
    text: str
    start: int
    end: int

    def citation(self) -> Citation:
        return Citation(
            n=self.n,
            kind="passage" if self.kind == "passage" else "fact",
            id=self.id,
            doc_id=self.doc_id,
            title=self.title,
            text=self.text,
            start=self.start,
            end=self.end,
        )


def evidence_items(evidence: Evidence, max_facts: int = 8) -> list[EvidenceItem]:
    """Numbered evidence: relation-path answers first, then passages, then the best facts."""
    items: list[EvidenceItem] = []
    seen_facts: set[str] = set()

    def add_fact(fact: Fact) -> None:
        if fact.id in seen_facts:
            return
        seen_facts.add(fact.id)
        items.append(
            EvidenceItem(
                n=len(items) + 1,
                kind="fact",
                id=fact.id,
                doc_id=fact.doc_id,
                title=fact.subject,
                text=fact.text(),
                start=fact.start,
                end=fact.end,
            )
        )

    if evidence.kb_answers:
        for fact in evidence.kb_answers[0].path:
            add_fact(fact)
    for passage in evidence.passages:
        items.append(_passage_item(len(items) + 1, passage))
    for fact in _typed_facts(evidence.facts)[:max_facts]:
        add_fact(fact)
    return items


def _passage_item(n: int, passage: Passage) -> EvidenceItem:
    return EvidenceItem(
        n=n,
        kind="passage",
        id=passage.chunk_id,
        doc_id=passage.doc_id,
        title=passage.title,
        text=passage.text,
        start=passage.start,
        end=passage.end,
    )


def _typed_facts(facts: Sequence[Fact]) -> list[Fact]:
    return [f for f in facts if f.kind != "cooccurrence"]


@dataclass(slots=True, frozen=True)
class StreamEvent:
    """What ``KGQA.stream`` yields: "evidence" first, then "token"s, then one "answer"."""

    kind: str  # "evidence" | "token" | "answer"
    text: str = ""
    answer: Answer | None = None
    items: tuple[EvidenceItem, ...] = ()


NO_EVIDENCE = "I don't know: nothing in the knowledge base matches the question."
UNSUPPORTED = "I don't know: the model's answer was not supported by the evidence."


class Answerer:
    """Evidence + reader -> a checked, cited Answer."""

    def __init__(self, reader: Reader, max_new_tokens: int, context_chars: int) -> None:
        self._reader = reader
        self._max_new_tokens = max_new_tokens
        self._context_chars = context_chars

    def prompt(
        self, evidence: Evidence, history: Sequence[ChatMessage]
    ) -> tuple[list[EvidenceItem], list[ChatMessage]]:
        items = evidence_items(evidence)
        prompt = build_prompt(
            evidence.question,
            [PromptEvidence(i.n, i.title, i.text) for i in items],
            history,
            max_chars=self._context_chars,
        )
        return items, prompt

    def answer(self, evidence: Evidence, history: Sequence[ChatMessage] = ()) -> Answer:
        items, prompt = self.prompt(evidence, history)
        if not items:
            return self.finish(evidence, items, NO_EVIDENCE, 0.0)
        started = time.perf_counter()
        try:
            [text] = self._reader.generate([prompt], self._max_new_tokens)
        except ReaderError as e:
            e.partial = self.finish(evidence, items, "", 0.0, reader_failed=True)
            raise
        return self.finish(evidence, items, text, (time.perf_counter() - started) * 1000)

    def stream(
        self, evidence: Evidence, history: Sequence[ChatMessage] = ()
    ) -> Iterator[StreamEvent]:
        items, prompt = self.prompt(evidence, history)
        yield StreamEvent("evidence", items=tuple(items))
        if not items:
            yield StreamEvent("answer", answer=self.finish(evidence, items, NO_EVIDENCE, 0.0))
            return
        started = time.perf_counter()
        pieces: list[str] = []
        try:
            for piece in self._reader.stream(prompt, self._max_new_tokens):
                pieces.append(piece)
                yield StreamEvent("token", text=piece)
        except ReaderError as e:
            e.partial = self.finish(evidence, items, "", 0.0, reader_failed=True)
            raise
        elapsed = (time.perf_counter() - started) * 1000
        yield StreamEvent("answer", answer=self.finish(evidence, items, "".join(pieces), elapsed))

    def finish(
        self,
        evidence: Evidence,
        items: Sequence[EvidenceItem],
        text: str,
        read_ms: float,
        reader_failed: bool = False,
    ) -> Answer:
        answer = Answer(
            question=evidence.question,
            text=text,
            passages=evidence.passages,
            facts=evidence.facts,
            linked_entities=[le.entity for le in evidence.linked],
            entity_types=evidence.entity_types,
            timings_ms={**evidence.timings_ms, "read": round(read_ms, 2)},
        )
        if reader_failed:
            answer.abstained = True
            return answer
        if not items:
            answer.abstained = True
            return answer
        check = check_answer(text, [i.text for i in items])
        kb = evidence.kb_answers[0] if evidence.kb_answers else None
        if (check.abstained or check.unsupported) and kb is not None:
            # A relation path answers it: say so, citing the path's facts.
            path_items = [i for i in items if i.kind == "fact" and i.id in {f.id for f in kb.path}]
            marks = "".join(f"[{i.n}]" for i in path_items)
            answer.text = f"{kb.name.replace('_', ' ')} {marks}".strip()
            answer.citations = [i.citation() for i in path_items]
            return answer
        if check.abstained:
            answer.abstained = True
            return answer
        if check.unsupported:
            answer.unsupported = True
            answer.abstained = True
            answer.text = UNSUPPORTED
            return answer
        answer.text = check.text
        by_n = {i.n: i for i in items}
        answer.citations = [by_n[n].citation() for n in check.cited]
        return answer
