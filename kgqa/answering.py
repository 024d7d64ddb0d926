"""From evidence to a short, cited answer: number the evidence, type the question, compose
candidates from the passages and the graph, ask the reader, extract the short answer and check
that the evidence it cites says it.

Evidence numbering is shared by the prompt, the citations and the API response: item n of
``evidence_items`` is "[n]" everywhere.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from kgqa.answers.candidates import (
    Candidate,
    CandidateSource,
    Tagger,
    compose,
    same_entity,
    sentences,
)
from kgqa.answers.chain import Attribute, Chain, parse_chain, parse_focus
from kgqa.answers.compare import (
    Decision,
    asks_same_origin,
    date_event,
    decide_both,
    decide_by_words,
    decide_dated,
    decide_options,
    decide_same,
    parse_date,
    role_asked,
)
from kgqa.answers.condense import condense
from kgqa.answers.hops import Walk, anchor_page, chunks_of, walk
from kgqa.answers.normal import contains
from kgqa.answers.questions import AnswerType, QuestionKind, QuestionType, classify
from kgqa.answers.short import extract_short, first_sentence, to_asked_precision
from kgqa.answers.stopping import cut_repetition
from kgqa.answers.support import Support, Verdict, check_support, named_entities
from kgqa.answers.tagging import SpacyTagger
from kgqa.domain import Answer, Citation, Fact, Passage
from kgqa.errors import ReaderError
from kgqa.keyword.tokenize import tokenize
from kgqa.reader.base import ChatMessage, Reader
from kgqa.reader.citations import check_answer, is_abstention, parse_markers
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
    return [f for f in facts if f.typed]


@dataclass(slots=True, frozen=True)
class StreamEvent:
    """What ``KGQA.stream`` yields: "evidence" first, then "token"s, then one "answer"."""

    kind: str  # "evidence" | "token" | "answer"
    text: str = ""
    answer: Answer | None = None
    items: tuple[EvidenceItem, ...] = ()


NO_EVIDENCE = "I don't know: nothing in the knowledge base matches the question."
UNSUPPORTED = "I don't know: the model's answer was not supported by the evidence."

# A short answer and its marker need a few tokens; the cap stops a small reader that runs on.
ANSWER_TOKENS = 32
# Candidates offered to the reader in its prompt.
PROMPT_CANDIDATES = 5
# Candidates whose sentences the reader's evidence keeps whole (kgqa.answers.condense): the
# fifth candidate's sentences were mostly noise ("American", "2000") in hotpotqa-dev prompts.
CONDENSE_CANDIDATES = 3
# Evidence characters in the reader's prompt (about 600 tokens). A short answer chosen among
# candidates needs less context than free text, and prefill dominates a small reader's time on
# CPU: a 6,000-character prompt took SmolLM2-135M over a minute on the shared 2-core machine.
ANSWER_CONTEXT_CHARS = 2400
# The reader's supported short answer gives way to the top candidate when that candidate's
# sentence shares this many more question words ("Paris", cited from Pierre Curie's page, for
# "Where was Zorblax Quintavian born?" against "Zorblax Quintavian ... born in ... Vellmora").
OVERRIDE_MARGIN = 2.0
# A candidate answers on its own (the reader abstained or was not supported) only when its
# sentence shares at least one question word beyond the candidate itself, or it comes from a
# fact of a question entity (scores in kgqa.answers.candidates).
MIN_CANDIDATE_SCORE = 1.0


# The passages retrieval finds for a name (the entity a chain question needs next).
PageLookup = Callable[[str], Sequence[Passage]]
# Look-ups per question: a two-role chain ("the father of the director of film X") needs two
# pages beyond the anchor's.
LOOKUPS = 2
# Words added to a look-up for the chunk of a page that says an attribute.
_ATTRIBUTE_WORDS: dict[Attribute, str] = {
    Attribute.BIRTH_PLACE: "born in",
    Attribute.BIRTH_DATE: "born",
    Attribute.DEATH_PLACE: "died in",
    Attribute.DEATH_DATE: "died",
    Attribute.BURIAL_PLACE: "buried",
    Attribute.NATIONALITY: "nationality",
    Attribute.COUNTRY: "country",
    Attribute.EDUCATION: "studied at",
    Attribute.EMPLOYER: "worked at",
    Attribute.AWARD: "award",
}


def question_chains(question: str) -> list[Chain]:
    """The chains a question asks along: its own ("Where was the director of film X born?"),
    or one per side of a comparison about a role ("Which film has the director born first,
    A or B?": A -> director -> birth date, and the same from B)."""
    qtype = classify(question)
    if qtype.kind == QuestionKind.WH:
        chain = parse_chain(question)
        return [chain] if chain is not None else []
    role = role_asked(question)
    if role is None:
        return []
    if qtype.kind == QuestionKind.COMPARISON:
        attribute = _DATE_ATTRIBUTES.get(date_event(question))
        if attribute is None:
            return []
        return [Chain(option, (role,), attribute) for option in qtype.options]
    if qtype.kind == QuestionKind.YES_NO and asks_same_origin(question):
        named = named_entities(question)
        return [Chain(e, (role,), Attribute.NATIONALITY) for e in named[:2]]
    return []


_DATE_ATTRIBUTES = {"birth": Attribute.BIRTH_DATE, "death": Attribute.DEATH_DATE}


# "the company that Sachin Warrier worked for", "a university that is located in": the question
# asks about an entity it describes by its relation to the one it names.
DESCRIBED = re.compile(
    r"\b(?:the|a|an|this)\s+(?:[a-z][\w\-]*\s+){0,3}?(?:that|which|who|whom|where|whose)\b"
)
# Bridge pages favoured for a described entity: more spread the favour too thin.
BRIDGE_PAGES = 3


def _bridge_pages(
    question: str, passages: Sequence[CandidateSource]
) -> tuple[frozenset[int], tuple[str, ...]]:
    """The chunks of the pages the named entity's page names (the described entity is one of
    them), and the names not to answer with (the named entity's)."""
    anchor = anchor_page(question, passages)
    if anchor is None:
        return frozenset(), ()
    own = chunks_of(anchor, passages)
    text = " ".join(c.text for c in own)
    bridges: list[CandidateSource] = []
    for p in passages:
        bare = re.sub(r"\s*\([^)]*\)\s*$", "", p.title)
        if p.title == anchor.title or not bare or any(b.title == p.title for b in bridges):
            continue
        if contains(text, bare):
            bridges.append(p)
    chosen = bridges[:BRIDGE_PAGES]
    favoured = frozenset(c.n for b in chosen for c in chunks_of(b, passages))
    return favoured, (anchor.title,)


def _wanted_page(chain: Chain, walked: Walk | None) -> tuple[str, str] | None:
    """(whose page, the query) the chain needs next, or None when it needs nothing found."""
    if walked is None:
        return chain.anchor, chain.anchor
    if walked.short:
        return None
    if walked.page is None:
        if not walked.hops:
            return None  # the anchor's page does not say the role
        name = walked.hops[-1].name
        return name, name
    if len(walked.hops) == len(chain.roles) and chain.attribute in _ATTRIBUTE_WORDS:
        title = walked.page.title
        return title, f"{title} {_ATTRIBUTE_WORDS[chain.attribute]}"
    return None


def _is_page_of(title: str, name: str) -> bool:
    bare = re.sub(r"\s*\([^)]*\)\s*$", "", title)
    return bool(bare) and (same_entity(bare, name) or contains(name, bare))


@dataclass(slots=True)
class AnswerPlan:
    """What the answer stage knows before the reader speaks."""

    items: list[EvidenceItem]
    qtype: QuestionType
    candidates: list[Candidate]
    prompt: list[ChatMessage]
    # A comparison or "same ..." question settled by the dates or origins in the evidence.
    decision: Decision | None = None
    # The option to give when the reader names none (the page sharing most question words).
    fallback: Decision | None = None
    # The evidence answered from: the retrieved one, plus any page looked up for a chain.
    evidence: Evidence | None = None


class Answerer:
    """Evidence + reader -> a checked, cited Answer with its short answer."""

    def __init__(
        self,
        reader: Reader,
        max_new_tokens: int,
        context_chars: int,
        tagger: Tagger | None = None,
        lookup: PageLookup | None = None,
    ) -> None:
        self._reader = reader
        self._lookup = lookup
        self._max_new_tokens = min(max_new_tokens, ANSWER_TOKENS)
        self._context_chars = min(context_chars, ANSWER_CONTEXT_CHARS)
        self._tagger: Tagger = tagger if tagger is not None else SpacyTagger()

    def plan(self, evidence: Evidence, history: Sequence[ChatMessage] = ()) -> AnswerPlan:
        evidence = self._complete(evidence)
        items = evidence_items(evidence)
        qtype = classify(evidence.question)
        candidates: list[Candidate] = []
        decision: Decision | None = None
        fallback: Decision | None = None
        sources = candidate_sources(items, evidence)
        if items and qtype.kind == QuestionKind.WH:
            chain = parse_chain(evidence.question)
            if (
                chain is not None
                and chain.attribute == Attribute.OTHER
                and qtype.answer_type == AnswerType.PERSON
            ):
                # "What was the father of X voted to be?": "father" names a hop, not the type.
                qtype = replace(qtype, answer_type=AnswerType.ANY)
            decision, page, hops = self._follow_chain(evidence.question, sources)
            candidates = compose(
                evidence.question, qtype, sources, self._tagger, favoured=page, exclude=hops
            )
        elif items and qtype.kind == QuestionKind.COMPARISON:
            decision = self._compare_along_chains(evidence.question, qtype.options, sources)
            if decision is None:
                decision = decide_options(evidence.question, qtype.options, sources, self._tagger)
            fallback = decide_by_words(evidence.question, qtype.options, sources)
        elif items and qtype.kind == QuestionKind.YES_NO:
            entities = named_entities(evidence.question)
            decision = decide_same(evidence.question, entities, sources, self._tagger)
            if decision is None:
                decision = decide_both(evidence.question, entities, sources, self._tagger)
        kb = _kb_candidate(evidence, items)
        if kb is not None:
            candidates = [kb, *(c for c in candidates if c.text != kb.text)]
            if qtype.kind == QuestionKind.WH and _imported_path(evidence):
                # A path over imported triples states the relation asked; a chain read from
                # the text ("Pierre Curie was a French physicist" -> "French") only suggests it.
                decision = None
        named = [c.text for c in candidates[:PROMPT_CANDIDATES]]
        prompt = build_prompt(
            evidence.question,
            _shown(
                items,
                evidence.question,
                named[:CONDENSE_CANDIDATES] or _compared(qtype, evidence.question),
            ),
            history,
            max_chars=self._context_chars,
            hint=_hint(qtype, candidates),
        )
        return AnswerPlan(items, qtype, candidates, prompt, decision, fallback, evidence)

    def _complete(self, evidence: Evidence) -> Evidence:
        """The evidence with the pages a chain needs and retrieval did not bring: the
        anchor's, the next hop's ("the director of film X": the director's page), or the chunk
        of the last page that says the attribute asked. At most LOOKUPS look-ups per chain,
        each keeping only the looked-up entity's own chunks."""
        if self._lookup is None:
            return evidence
        for chain in question_chains(evidence.question):
            for _ in range(LOOKUPS):
                sources = candidate_sources(evidence_items(evidence), evidence)
                wanted = _wanted_page(chain, walk(chain, sources, self._tagger))
                if wanted is None:
                    break
                name, query = wanted
                have = {p.chunk_id for p in evidence.passages}
                found = [p for p in self._lookup(query) if p.chunk_id not in have]
                new = [p for p in found if _is_page_of(p.title, name)]
                if not new:
                    break
                evidence = replace(evidence, passages=[*evidence.passages, *new])
        return evidence

    def _compare_along_chains(
        self, question: str, options: Sequence[str], sources: Sequence[CandidateSource]
    ) -> Decision | None:
        """ "Which film has the director born first, A or B?": each side's date read along its
        chain; None unless both are found."""
        chains = question_chains(question)
        if len(chains) != 2:
            return None
        dated = []
        for option, chain in zip(options, chains, strict=True):
            walked = walk(chain, sources, self._tagger)
            date = parse_date(walked.short) if walked is not None and walked.short else None
            if walked is None or date is None:
                return None
            dated.append((date, option, walked))
        return decide_dated(question, dated)

    def _follow_chain(
        self, question: str, sources: Sequence[CandidateSource]
    ) -> tuple[Decision | None, frozenset[int], tuple[str, ...]]:
        """A question about a described entity ("the director of film X"): the answer read
        along the chain when the evidence holds every hop; else the evidence numbers of the last
        page reached (or of the entity a relative clause asks about), whose candidates are
        favoured (the anchor's page is about another entity), and the names of the entities
        passed on the way, which are not the answer."""
        chain = parse_chain(question)
        walked = walk(chain, sources, self._tagger) if chain is not None else None
        if walked is not None and walked.short:
            decision = Decision(walked.short, tuple(walked.items), tuple(walked.said))
            return decision, frozenset(), ()
        passages = [s for s in sources if s.kind == "passage"]
        reached = walked.page if walked is not None and walked.hops else None
        passed = tuple(h.name for h in walked.hops) if walked is not None else ()
        focus = parse_focus(question) if reached is None else None
        if focus is not None:
            reached = anchor_page(focus, passages)
        if reached is None and (chain is None or walked is None) and DESCRIBED.search(question):
            return None, *_bridge_pages(question, passages)
        if reached is None:
            return None, frozenset(), passed
        return None, frozenset(c.n for c in chunks_of(reached, passages)), (*passed, reached.title)

    def prompt(
        self, evidence: Evidence, history: Sequence[ChatMessage]
    ) -> tuple[list[EvidenceItem], list[ChatMessage]]:
        plan = self.plan(evidence, history)
        return plan.items, plan.prompt

    def answer(self, evidence: Evidence, history: Sequence[ChatMessage] = ()) -> Answer:
        plan = self.plan(evidence, history)
        evidence = plan.evidence or evidence
        if not plan.items:
            return self.finish(evidence, plan.items, NO_EVIDENCE, 0.0, plan=plan)
        if plan.decision is not None:  # the evidence settled it: no reader needed
            return self.finish(evidence, plan.items, "", 0.0, plan=plan)
        started = time.perf_counter()
        try:
            [text] = self._reader.generate([plan.prompt], self._max_new_tokens)
        except ReaderError as e:
            e.partial = self.finish(evidence, plan.items, "", 0.0, reader_failed=True, plan=plan)
            raise
        elapsed = (time.perf_counter() - started) * 1000
        return self.finish(evidence, plan.items, text, elapsed, plan=plan)

    def stream(
        self, evidence: Evidence, history: Sequence[ChatMessage] = ()
    ) -> Iterator[StreamEvent]:
        plan = self.plan(evidence, history)
        evidence = plan.evidence or evidence
        yield StreamEvent("evidence", items=tuple(plan.items))
        if not plan.items:
            answer = self.finish(evidence, plan.items, NO_EVIDENCE, 0.0, plan=plan)
            yield StreamEvent("answer", answer=answer)
            return
        if plan.decision is not None:
            answer = self.finish(evidence, plan.items, "", 0.0, plan=plan)
            yield StreamEvent("token", text=answer.text)
            yield StreamEvent("answer", answer=answer)
            return
        started = time.perf_counter()
        pieces: list[str] = []
        try:
            for piece in self._reader.stream(plan.prompt, self._max_new_tokens):
                pieces.append(piece)
                yield StreamEvent("token", text=piece)
        except ReaderError as e:
            e.partial = self.finish(evidence, plan.items, "", 0.0, reader_failed=True, plan=plan)
            raise
        elapsed = (time.perf_counter() - started) * 1000
        answer = self.finish(evidence, plan.items, "".join(pieces), elapsed, plan=plan)
        yield StreamEvent("answer", answer=answer)

    def finish(
        self,
        evidence: Evidence,
        items: Sequence[EvidenceItem],
        text: str,
        read_ms: float,
        reader_failed: bool = False,
        plan: AnswerPlan | None = None,
    ) -> Answer:
        text = cut_repetition(text)
        answer = Answer(
            question=evidence.question,
            text=text,
            passages=evidence.passages,
            facts=evidence.facts,
            linked_entities=[le.entity for le in evidence.linked],
            entity_types=evidence.entity_types,
            timings_ms={**evidence.timings_ms, "read": round(read_ms, 2)},
        )
        if reader_failed or not items:
            answer.abstained = True
            return answer
        if plan is None:
            plan = self.plan(evidence)
        if plan.qtype.kind == QuestionKind.OTHER:
            return _finish_free(answer, evidence, items, text)
        return _finish_typed(answer, evidence, items, text, plan)


def candidate_sources(items: Sequence[EvidenceItem], evidence: Evidence) -> list[CandidateSource]:
    facts = {f.id: f for f in evidence.facts}
    for kb in evidence.kb_answers[:1]:
        facts.update({f.id: f for f in kb.path})
    out = []
    for item in items:
        fact = facts.get(item.id) if item.kind == "fact" else None
        if fact is None:
            out.append(CandidateSource(item.n, item.kind, item.title, item.text))
            continue
        out.append(
            CandidateSource(
                item.n,
                "fact",
                item.title,
                item.text,
                subject=fact.subject,
                predicate=fact.predicate,
                object=fact.object,
                object_label=evidence.entity_types.get(fact.object_id, ""),
            )
        )
    return out


def _compared(qtype: QuestionType, question: str) -> list[str]:
    if qtype.kind == QuestionKind.COMPARISON:
        return list(qtype.options)
    if qtype.kind == QuestionKind.YES_NO:
        return named_entities(question)
    return []


def _shown(
    items: Sequence[EvidenceItem], question: str, names: Sequence[str]
) -> list[PromptEvidence]:
    """The evidence as the reader sees it: passages condensed to the sentences that can answer,
    and the facts that name a candidate (or a compared entity). A fact naming none only costs
    prompt tokens: "City of Angels (film) cast member Nicolas Cage" five times over for a
    question about Nicolas Cage. The numbering stays that of ``items``."""
    shown = []
    for item in items:
        if item.kind == "fact":
            if any(contains(item.text, name) for name in names):
                shown.append(PromptEvidence(item.n, item.title, item.text))
            continue
        shown.append(PromptEvidence(item.n, item.title, condense(item.text, question, names)))
    return shown


def _imported_path(evidence: Evidence) -> bool:
    """Whether the best relation path runs over imported knowledge-base triples only."""
    return bool(evidence.kb_answers) and all(f.kind == "kb" for f in evidence.kb_answers[0].path)


def _kb_candidate(evidence: Evidence, items: Sequence[EvidenceItem]) -> Candidate | None:
    """A relation path's answer: the strongest candidate there is, citing the whole path."""
    if not evidence.kb_answers:
        return None
    kb = evidence.kb_answers[0]
    path = {f.id for f in kb.path}
    cited = [i.n for i in items if i.kind == "fact" and i.id in path]
    name = kb.name.replace("_", " ")
    return Candidate(name, AnswerType.ANY, float("inf"), cited, " ".join(f.text() for f in kb.path))


def _hint(qtype: QuestionType, candidates: Sequence[Candidate]) -> str:
    if qtype.kind == QuestionKind.YES_NO:
        return "Answer yes or no."
    if qtype.kind == QuestionKind.COMPARISON:
        return f"Answer with one of: {' or '.join(qtype.options)}."
    if candidates:
        names = "; ".join(c.text for c in candidates[:PROMPT_CANDIDATES])
        return f"Possible answers: {names}."
    return ""


def _finish_typed(
    answer: Answer,
    evidence: Evidence,
    items: Sequence[EvidenceItem],
    reply: str,
    plan: AnswerPlan,
) -> Answer:
    by_n = {i.n: i for i in items}
    texts = {i.n: i.text for i in items}
    cited = [n for n in parse_markers(reply) if n in by_n]
    short = extract_short(reply, evidence.question, plan.qtype, plan.candidates)
    trusted = [c for c in plan.candidates if c.score >= MIN_CANDIDATE_SCORE]
    support = check_support(short, plan.qtype, evidence.question, cited, texts, trusted)
    if support.verdict == Verdict.SUPPORTED and plan.qtype.kind == QuestionKind.WH:
        support = _prefer_clear_candidate(support, trusted, texts)
    if plan.decision is not None:
        # Dates and origins read from each side's own page beat a small reader's choice.
        decided = list(plan.decision.items)
        reason = "chain" if plan.decision.said else "decided"
        support = Support(Verdict.SUPPORTED, plan.decision.short, decided, reason)
    if support.verdict == Verdict.REJECTED and plan.fallback is not None:
        chosen = plan.fallback
        support = Support(Verdict.CORRECTED, chosen.short, list(chosen.items), "by words")
    kb = plan.candidates[0] if evidence.kb_answers and plan.candidates else None
    if kb is not None and support.verdict != Verdict.SUPPORTED:
        # A relation path answers it: say so, citing the path's facts.
        support = Support(Verdict.CORRECTED, kb.text, list(kb.items), "relation path")
    if support.verdict == Verdict.REJECTED:
        answer.unsupported = not is_abstention(reply)
        answer.abstained = True
        answer.text = UNSUPPORTED if answer.unsupported else (reply.strip() or UNSUPPORTED)
        return answer
    said = plan.decision.said if plan.decision is not None else ()
    answer.text, cited = explanation(support, plan.qtype, evidence.question, texts, said)
    answer.short = to_asked_precision(support.short, evidence.question)
    answer.citations = [by_n[n].citation() for n in cited]
    return answer


def _prefer_clear_candidate(
    support: Support, candidates: Sequence[Candidate], texts: dict[int, str]
) -> Support:
    if not candidates:
        return support
    top = candidates[0]
    mine = next((c for c in candidates if contains(c.text, support.short)), None)
    page_first = top.favoured and (mine is None or not mine.favoured)
    if mine is top:
        return support
    if not page_first and mine is not None and top.score - mine.score < OVERRIDE_MARGIN:
        return support
    if not page_first and mine is None and top.score < OVERRIDE_MARGIN:
        return support
    found = [n for n in top.items if n in texts and contains(texts[n], top.text)]
    if not found:
        return support
    return Support(Verdict.CORRECTED, top.text, found[:2], "a clearly better candidate")


def explanation(
    support: Support,
    qtype: QuestionType,
    question: str,
    texts: dict[int, str],
    chain_said: Sequence[str] = (),
) -> tuple[str, list[int]]:
    """One or two evidence sentences that say the short answer, cited, and the evidence they
    cite. Never the reader's own sentence: a small reader's sentence states things the
    evidence does not ("Marie Curie was the husband of Pierre Curie" over "She married Pierre
    Curie"), while the evidence sentence naming the short answer is what supports it."""
    if qtype.kind in (QuestionKind.YES_NO, QuestionKind.COMPARISON):
        wanted = list(qtype.options) or named_entities(question)
        parts = [(n, _sentence_naming(texts[n], wanted, question)) for n in support.cited[:2]]
        head = support.short[:1].upper() + support.short[1:]
        said = " ".join(f"{s.rstrip('.')}. [{n}]" for n, s in parts)
        return (f"{head}: {said}" if parts else head), [n for n, _ in parts]
    if support.reason == "relation path":  # the path's facts, in order, say it together
        said = " ".join(f"{texts[n]}. [{n}]" for n in support.cited)
        return said, list(support.cited)
    if support.reason == "chain" and chain_said:  # each hop's sentence, in order
        pairs = zip(support.cited, chain_said, strict=True)
        said = " ".join(f"{s.rstrip('.')}. [{n}]" for n, s in pairs)
        return said, list(support.cited)
    # The cited items first, then any other: the sentence that says the short answer.
    order = [*support.cited, *(n for n in texts if n not in support.cited)]
    for n in order:
        found = [s for s in sentences(texts[n]) if contains(s, support.short)]
        if found:
            best = max(found, key=lambda s: _shared(s, question))
            return f"{best.rstrip('.')}. [{n}]", [n]
    marks = "".join(f"[{n}]" for n in support.cited)
    return f"{support.short} {marks}".strip(), list(support.cited)


def _sentence_naming(text: str, wanted: Sequence[str], question: str) -> str:
    """The sentence of ``text`` naming a compared entity and sharing most question words."""
    found = [s for s in sentences(text) if any(contains(s, w) for w in wanted)]
    if not found:
        return next(iter(sentences(text)), text[:200])
    return max(found, key=lambda s: _shared(s, question))


def _shared(sentence: str, question: str) -> int:
    return len(set(tokenize(sentence)) & set(tokenize(question)))


def _finish_free(
    answer: Answer, evidence: Evidence, items: Sequence[EvidenceItem], text: str
) -> Answer:
    """Questions of no known kind (and other languages): the reply is the answer, checked by
    its content words against the evidence."""
    check = check_answer(text, [i.text for i in items])
    kb = evidence.kb_answers[0] if evidence.kb_answers else None
    if (check.abstained or check.unsupported) and kb is not None:
        # A relation path answers it: say so, citing the path's facts.
        path_items = [i for i in items if i.kind == "fact" and i.id in {f.id for f in kb.path}]
        marks = "".join(f"[{i.n}]" for i in path_items)
        answer.short = kb.name.replace("_", " ")
        answer.text = f"{answer.short} {marks}".strip()
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
    answer.short = first_sentence(check.text)
    by_n = {i.n: i for i in items}
    answer.citations = [by_n[n].citation() for n in check.cited]
    return answer
