"""Link a question to graph entities.

1. Exact lookup: every n-gram of the normalised question (and every CJK substring) is looked up
   as a key with one indexed store call; longer matches suppress the matches inside them, and
   text in [brackets] or "quotes" is preferred.
   A weak match (only function words, a bare date, a word written in lower case in a cased
   question, or the question's first word alone, capitalised by grammar) is kept only for an
   entity the store knows under that exact cased surface, and of a named type (not a DATE):
   "the company", "annual", "a day" or "Based in ..." name nothing, "adidas" or "The Who" do
   (nor does a first word, capitalised by grammar, unless a comma sets it off as a topic:
   "Promises, when was it released").
2. Fuzzy lookup: when nothing matched exactly, the question's candidate spans are embedded
   and searched in the entity-name vector index, accepted above a threshold.
A question that names no entity links to nothing; dense and keyword retrieval still run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from kgqa.domain import Entity
from kgqa.graph.base import GraphReads
from kgqa.names import normalize_name
from kgqa.retrieval.base import EntityNameSearcher

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_QUOTED = re.compile(r"\[([^\]]+)\]|\"([^\"]+)\"|“([^”]+)”|《([^》]+)》")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of|the|de|von|van|and|&|[A-Z][\w'’.-]*))*")

FUNCTION_WORDS = frozenset(
    """a an the of in on at to for from by with and or is was were are be been being do does
    did has have had what which who whom whose when where why how that this these those it its
    he she they them his her their there here than then as about into over after before
    between both same first last one more most not no yes""".split()
)
# The linker and the knowledge-base relation scoring use only these English function words (no
# data set's words: "film" and "movie" were listed here for MetaQA until issue 21).
# A match made only of these is a date or a number, not a name ("1990", "May 4", "the 1930s").
_MONTHS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
_DATE_TOKEN = re.compile(r"\d+(?:s|st|nd|rd|th)?")
# Entity types of the write path (spaCy labels, ingest/extract) that are values, not names.
_VALUE_TYPES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"})

# Candidate spans and their priority: quoted text first, then capitalised phrases, then names
# given from outside the question (an earlier turn's entities). Set by hand with the first
# query path (0c81f66). The lower-case penalty came with the bridge pages (e3c0df4: 2Wiki
# sample R@5 68 -> 80 for both together) and puts such links (0.36) below the topic ranking's
# weak-link bar of 0.5.
_PRIORITY_QUOTED = 1.0
_PRIORITY_PLAIN = 0.9
_PRIORITY_EXTRA = _PRIORITY_PLAIN * 0.9
_LOWERCASE_PENALTY = 0.4
# Linked nationalities, groups and languages (spaCy's NORP, LANGUAGE) get the same penalty
# (2026-12-02, fourth session, same stores: hotpotqa-dev R@1 36.79 -> 39.62, R@2 67.92 ->
# 68.87, R@5 93.40 unchanged; 2Wiki sample-50 store, 99 q, unchanged at 87.12 / 74.24 / 48.23).
_ATTRIBUTE_TYPES = frozenset({"NORP", "LANGUAGE"})
_ATTRIBUTE_PENALTY = _LOWERCASE_PENALTY
# Longest CJK substring looked up as a key (Chinese names are rarely longer), and how many
# salient spans go to the entity-name vectors: bounds on the work per question, not tuned.
_MAX_CJK_KEY = 12
_MAX_SALIENT_SPANS = 8


@dataclass(slots=True, frozen=True)
class LinkedEntity:
    entity: Entity
    score: float
    surface: str  # the question text that matched (a normalised key or span)
    how: str  # "exact" or "vector"


class EntityLinker:
    def __init__(
        self,
        store: GraphReads,
        names: EntityNameSearcher | None = None,
        threshold: float = 0.8,
        max_ngram: int = 8,
        max_entities: int = 8,
    ) -> None:
        """``names`` finds, per span, (entity_id, similarity) candidates in the entity-name
        vectors; None disables fuzzy linking."""
        self._store = store
        self._names = names
        self._threshold = threshold
        self._max_ngram = max_ngram
        self._max_entities = max_entities

    def link(self, question: str, extra_spans: Sequence[str] = ()) -> list[LinkedEntity]:
        """Entities named in ``question``, best first. ``extra_spans`` (e.g. NER output or the
        previous turn's entity names) are looked up as well, at lower priority."""
        priorities = candidate_keys(question, self._max_ngram)
        for span in extra_spans:
            key = normalize_name(span)
            if key:
                priorities.setdefault(key, _PRIORITY_EXTRA)
        found = self._store.find_entities(list(priorities)) if priorities else {}
        asked = set(priorities) - {normalize_name(span) for span in extra_spans}
        found = {
            key: entities if key not in asked else _named_matches(question, key, entities)
            for key, entities in found.items()
        }
        linked = _suppress_nested(
            {key: entities for key, entities in found.items() if entities}, priorities
        )
        if not linked and self._names is not None:
            linked = self._vector_link(self._names, question)
        if question != question.lower():
            # In a cased question, a match written in lower case ("the song", "a lady") is more
            # likely a common noun than the entity of the same name.
            linked = [
                replace(le, score=le.score * _LOWERCASE_PENALTY)
                if le.how == "exact" and _written_lowercase(question, le.surface)
                else le
                for le in linked
            ]
        # A nationality or language ("a former Soviet statesman", "an American industrialist")
        # describes the entity asked about rather than being it: a weak link, as above.
        linked = [
            replace(le, score=le.score * _ATTRIBUTE_PENALTY)
            if le.entity.type in _ATTRIBUTE_TYPES
            else le
            for le in linked
        ]
        linked.sort(key=lambda le: (-le.score, le.entity.id))
        unique: dict[str, LinkedEntity] = {}
        for item in linked:
            unique.setdefault(item.entity.id, item)
        return list(unique.values())[: self._max_entities]

    def _vector_link(self, names: EntityNameSearcher, question: str) -> list[LinkedEntity]:
        spans = _salient_spans(question)
        if not spans:
            return []
        hits = names.search(spans)
        best: dict[str, tuple[float, str]] = {}
        for span, candidates in zip(spans, hits, strict=True):
            for entity_id, score in candidates:
                if score >= self._threshold and score > best.get(entity_id, (0.0, ""))[0]:
                    best[entity_id] = (score, span)
        if not best:
            return []
        entities = {e.id: e for e in self._store.get_entities(list(best))}
        return [
            LinkedEntity(entities[eid], score, span, "vector")
            for eid, (score, span) in best.items()
            if eid in entities
        ]


def candidate_keys(question: str, max_ngram: int = 8) -> dict[str, float]:
    """Normalised lookup keys of a question with their priority (higher is better)."""
    keys: dict[str, float] = {}
    for match in _QUOTED.finditer(question):
        text = next(g for g in match.groups() if g)
        key = normalize_name(text)
        if key:
            keys[key] = _PRIORITY_QUOTED
    tokens = normalize_name(question).split()
    titled = _capitalised_words(question)
    for n in range(min(max_ngram, len(tokens)), 0, -1):
        for i in range(len(tokens) - n + 1):
            gram = tokens[i : i + n]
            edges_ok = all(w not in FUNCTION_WORDS or w in titled for w in (gram[0], gram[-1]))
            if not edges_ok and not _titled_phrase(gram):
                continue
            keys.setdefault(" ".join(gram), _PRIORITY_PLAIN)
    for run in _CJK.findall(question):
        for n in range(min(_MAX_CJK_KEY, len(run)), 1, -1):
            for i in range(len(run) - n + 1):
                keys.setdefault(normalize_name(run[i : i + n]), _PRIORITY_PLAIN)
    return keys


def _capitalised_words(question: str) -> frozenset[str]:
    """Words written capitalised after the question's first word: a function word in a title
    ("Disaster Movie", "The Last Supper", "In the Mouth of Madness") may bound a name. Only in
    mixed-case questions: in one typed all in capitals or all in lower case, case says nothing."""
    words = question.split()[1:]
    if question == question.lower() or question == question.upper():
        return frozenset()
    return frozenset(normalize_name(w) for w in words if w[:1].isupper())


def _titled_phrase(gram: Sequence[str]) -> bool:
    """A longer phrase that may start or end with a function word and still be a name
    ("He Said, She Said", "Catch Me If You Can"): three or more words, half of them content."""
    content = sum(token not in FUNCTION_WORDS for token in gram)
    return len(gram) >= 3 and 2 * content >= len(gram)


def _suppress_nested(
    found: dict[str, list[Entity]], priorities: dict[str, float]
) -> list[LinkedEntity]:
    """Keep the longest matches: "new york city" wins over "new york" and "york"."""
    keys = sorted(found, key=lambda k: (-len(k), k))
    kept: list[str] = []
    for key in keys:
        if any(_contains(longer, key) for longer in kept):
            continue
        kept.append(key)
    linked: list[LinkedEntity] = []
    for key in kept:
        entities = found[key]
        # An ambiguous key shares its score among its entities.
        share = priorities.get(key, _PRIORITY_PLAIN) / np.sqrt(len(entities))
        linked.extend(LinkedEntity(e, float(share), key, "exact") for e in entities)
    return linked


def _named_matches(question: str, key: str, entities: list[Entity]) -> list[Entity]:
    """The entities a question's match of ``key`` may name: all of them for a strong match;
    for a weak one only those of a named type that the store knows under the exact cased text
    the question wrote (articles included or not). Measured on 2Wiki: bench/linking_quality.py."""
    surfaces = _weak_surfaces(question, key)
    if surfaces is None:
        return entities
    return [
        e
        for e in entities
        if e.type not in _VALUE_TYPES and not surfaces.isdisjoint({e.name, *e.aliases})
    ]


def _weak_surfaces(question: str, key: str) -> set[str] | None:
    """None when the match of ``key`` is strong; else the question's texts that matched it,
    less a question-initial word (capitalised by grammar, so its case proves nothing)."""
    words = key.split()
    if not words or _CJK.search(key):
        return None
    function_words = all(w in FUNCTION_WORDS for w in words)
    bare_date = all(w in _MONTHS or _DATE_TOKEN.fullmatch(w) for w in words)
    cased = question not in (question.lower(), question.upper())
    pattern = r"(?:\b(?:the|an?)\s+)?\b(" + r"\W+".join(re.escape(w) for w in words) + r")\b"
    matches = list(re.finditer(pattern, question, re.IGNORECASE))
    name_text = [m.group(1) for m in matches]
    lowercase = cased and bool(matches) and all(t == t.lower() for t in name_text)
    initial = cased and len(words) == 1 and bool(matches) and all(m.start(1) == 0 for m in matches)
    if not (function_words or bare_date or lowercase or initial):
        return None
    if initial and not _set_off(question, matches[0].end(1)):
        return set()
    return {m.group(0) for m in matches} | set(name_text)


def _set_off(question: str, end: int) -> bool:
    """Whether the question's first word is set off from the rest by a comma: a topic put
    first ("Promises, when was it released"), not a verb or participle the sentence starts with
    ("Based in which city ..."). Like any weak match it then names only an entity the store
    knows under that exact cased word (21 of MetaQA's 9,947 1-hop test questions start so)."""
    return question[end : end + 1] == ","


def _written_lowercase(question: str, key: str) -> bool:
    """Whether every occurrence of the key's words in the question is in lower case."""
    words = key.split()
    if not words or _CJK.search(key):
        return False
    pattern = r"\W+".join(re.escape(w) for w in words)
    found = [m.group(0) for m in re.finditer(pattern, question, re.IGNORECASE)]
    return bool(found) and all(f == f.lower() for f in found)


def _contains(longer: str, shorter: str) -> bool:
    if _CJK.search(shorter):
        return shorter in longer
    return f" {shorter} " in f" {longer} "


def _salient_spans(question: str) -> list[str]:
    spans = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(question)]
    spans += [m.group(0) for m in _CAPITALISED.finditer(question) if m.start() > 0]
    spans += _CJK.findall(question)
    seen: dict[str, None] = {}
    for span in spans:
        span = span.strip()
        if span and normalize_name(span) not in FUNCTION_WORDS:
            seen.setdefault(span, None)
    return list(seen)[:_MAX_SALIENT_SPANS]
