"""Answers from relation paths: when a path of typed relations from a question entity matches
the question ("which nationality is X's couple?" -> spouse, nationality), its end entity is
the answer and the path is the evidence. Typical for imported knowledge bases.

Paths of 1..max_hops relations are enumerated from the linked entities (fan-out capped), each
distinct relation sequence is scored once against the question with the entity mention removed:
half by aligning its relations, in order, to the question's words (``path_alignment``), half by
the cosines of the question, whole and as its content words, with the sequence's readable text.
Answers inherit their best path's score. On 200-question samples of each PathQuestion file and
300 of MetaQA 1-hop, the alignment took Hits@1 from 82/70/85/86/87/80 to 92/94/97/97/97/86.

Where relation examples exist (questions known to ask for a path, learned from question-answer
pairs: ``relation_examples``), 70% of a path's score is its nearest example's cosine with the
question (each example weighted by its share of its wording's count); on 300 held-out MetaQA dev
questions, examples learned from 5,000 others took Hits@1 from 82.7 to 95.7 (94.7 unweighted,
93.3 at a weight of 50%).

A path that turns (enters a node along one relation and leaves it the opposite way along another:
film -directed_by-> director <-written_by- other film) walks to siblings, things that merely
share a director, a film, a year. Questions rarely ask for those, yet the text of such a path
("directed by written by starred actors") resembles a film question better than the one right
relation does, so each turn costs 70% of the score (MetaQA 1-hop sample 36 -> 72 Hits@1 with a
halving; PathQuestion, whose paths run forward, unchanged or better on every file).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kgqa.domain import Fact
from kgqa.embedding.text_cache import EmbedTexts
from kgqa.graph.base import GraphStore
from kgqa.retrieval.graph import predicate_text
from kgqa.retrieval.linking import STOPWORDS, LinkedEntity
from kgqa.retrieval.path_alignment import AskedWords, alignment_scores
from kgqa.retrieval.relation_examples import ExampleMatcher, mark_mention, unmarked

_TURN_PENALTY = 0.3
_ALIGNMENT_WEIGHT = 0.5
# Weight of the nearest relation example (``relation_examples``), where a path has examples.
_EXAMPLE_WEIGHT = 0.7
_WORD = re.compile(r"\w+")


@dataclass(slots=True, frozen=True)
class KbAnswer:
    entity_id: str
    name: str
    score: float
    path: tuple[Fact, ...]

    @property
    def relations(self) -> tuple[str, ...]:
        return tuple(f.predicate for f in self.path)


@dataclass(slots=True, frozen=True)
class Step:
    fact: Fact
    target: str  # the entity the step arrives at
    target_name: str


class KbAnswerer:
    def __init__(
        self,
        store: GraphStore,
        embed: EmbedTexts,
        max_hops: int = 3,
        fanout: int = 100,
        max_paths: int = 20_000,
        min_score: float = 0.1,
        enabled: Callable[[], bool] = lambda: True,
        examples: ExampleMatcher | None = None,
    ) -> None:
        self._enabled = enabled
        self._examples = examples
        self._store = store
        self._embed = embed
        self._max_hops = max_hops
        self._fanout = fanout
        self._max_paths = max_paths
        self._min_score = min_score

    def answer(
        self, question: str, linked: Sequence[LinkedEntity], top_k: int = 5
    ) -> list[KbAnswer]:
        """Candidate answers, best first; empty when no path matches the question well."""
        seeds = [le for le in linked if le.score > 0][:3]
        if not seeds or not self._enabled():
            return []
        paths: list[tuple[LinkedEntity, list[Step]]] = []
        for seed in seeds:
            paths += [
                (seed, p)
                for p in relation_paths(
                    self._store, seed.entity.id, self._max_hops, self._fanout, self._max_paths
                )
            ]
        if not paths:
            return []
        # A path is compared with the question minus its own start's mention only: another
        # linked word ("who stars in Barcelona" also links a film called "Stars") may be the
        # very word that names the relation.
        asked = {
            seed.entity.id: mark_mention(question, (seed.surface, seed.entity.name))
            or " ".join(question.lower().replace("_", " ").split())
            for seed in seeds
        }
        keys = {tuple(s.fact.predicate for s in steps) for _, steps in paths}
        sims = self._question_scores(asked, keys)
        best: dict[str, KbAnswer] = {}
        for seed, steps in paths:
            key = tuple(s.fact.predicate for s in steps)
            score = sims[seed.entity.id][key] * seed.score * _TURN_PENALTY ** _turns(steps)
            end = steps[-1]
            # A path may come back to the question entity ("the mother of X's son" is X),
            # but a single hop back to itself is no answer.
            if (end.target == seed.entity.id and len(steps) < 2) or score < self._min_score:
                continue
            current = best.get(end.target)
            if current is None or score > current.score:
                path = tuple(s.fact for s in steps)
                best[end.target] = KbAnswer(end.target, end.target_name, round(score, 6), path)
        ranked = sorted(best.values(), key=lambda a: (-a.score, len(a.path), a.name))
        return ranked[:top_k]

    def _question_scores(
        self, asked: dict[str, str], keys: set[tuple[str, ...]]
    ) -> dict[str, dict[tuple[str, ...], float]]:
        """How well each relation sequence matches the question, per start (``asked``: the
        question with that start's mention marked). All texts are embedded in one batch.

        Half is the word alignment (``path_alignment``). The other half reads the question
        whole and as its content words alone, and averages the two cosines with the path's
        text: the whole question carries what no single word says ("what does X do" asks for
        a profession), its content words the one relation a short question names ("writer"
        -> written_by, where "who is the writer of the film" alone sits closer to "starred
        actors")."""
        readings: dict[str, tuple[AskedWords, int]] = {}
        texts: list[str] = []
        for start, text in asked.items():
            plain = unmarked(text)
            words = AskedWords.read(text)
            content = " ".join(w for w in _WORD.findall(plain) if w not in STOPWORDS) or plain
            readings[start] = (words, len(texts))
            texts += [plain, content, *(span.text for span in words.spans)]
        names = sorted({r for key in keys for r in key})
        path_texts = {k: " ".join(predicate_text(p) for p in k) for k in keys}
        paths = sorted(set(path_texts.values()))
        # One call for the question's texts, the relation names and the paths' texts.
        vectors = np.asarray(self._embed(texts + [predicate_text(r) for r in names] + paths))
        at_paths = len(texts) + len(names)
        relations = dict(zip(names, vectors[len(texts) : at_paths], strict=True))
        path_vectors = dict(zip(paths, vectors[at_paths:], strict=True))
        w = _ALIGNMENT_WEIGHT
        scores: dict[str, dict[tuple[str, ...], float]] = {}
        for start, (words, at) in readings.items():
            spans = vectors[at + 2 : at + 2 + len(words.spans)]
            aligned = alignment_scores(words, spans, relations, list(keys))
            learned = self._examples.scores(vectors[at]) if self._examples else {}
            scores[start] = {}
            for k in keys:
                path = path_vectors[path_texts[k]]
                whole, by_content = float(vectors[at] @ path), float(vectors[at + 1] @ path)
                score = w * aligned[k] + (1 - w) * (whole + by_content) / 2
                if k in learned:
                    score = (1 - _EXAMPLE_WEIGHT) * score + _EXAMPLE_WEIGHT * learned[k]
                scores[start][k] = score
        return scores


def steps_by_entity(facts: Sequence[Fact]) -> dict[str, list[Step]]:
    """The steps each entity can take along imported (``kb``) facts, in both directions; text
    relations are too loose for paths."""
    by_entity: dict[str, list[Step]] = {}
    for fact in facts:
        if fact.kind == "kb":
            by_entity.setdefault(fact.subject_id, []).append(
                Step(fact, fact.object_id, fact.object)
            )
            by_entity.setdefault(fact.object_id, []).append(
                Step(fact, fact.subject_id, fact.subject)
            )
    return by_entity


def relation_paths(
    store: GraphStore, start: str, max_hops: int, fanout: int, max_paths: int
) -> list[list[Step]]:
    """Paths of 1..``max_hops`` imported (``kb``) relations from ``start``, in either direction,
    shortest first; at most ``fanout`` relations per entity and ``max_paths`` paths."""
    paths: list[list[Step]] = []
    frontier: list[list[Step]] = [[]]
    for _hop in range(max_hops):
        ends = {p[-1].target if p else start for p in frontier}
        by_entity = steps_by_entity(store.relations_of(sorted(ends), fanout))
        extended: list[list[Step]] = []
        for path in frontier:
            here = path[-1].target if path else start
            for step in by_entity.get(here, []):
                if path and _doubles_back(path[-1], step):
                    continue
                extended.append([*path, step])
        if not extended:
            break
        paths += extended
        if len(paths) >= max_paths:
            break
        frontier = extended
    return paths[:max_paths]


def _forward(step: Step) -> bool:
    return step.target == step.fact.object_id


def _turns(steps: Sequence[Step]) -> int:
    """How often the path changes direction (forward along a relation, then backward, or the
    reverse)."""
    return sum(_forward(a) != _forward(b) for a, b in zip(steps, steps[1:], strict=False))


def _doubles_back(previous: Step, step: Step) -> bool:
    """The same edge walked back, or the same relation reversed (X nationality UK, then UK
    nationality-of Y: a sibling of X, never what a question asks for). A self-loop may be
    walked again: it joins two items that share one name (a recording and its release track
    both called "Paris"), so "the recording of Paris's recording" is Paris itself."""
    if step.fact.subject_id == step.fact.object_id:
        return False
    if step.fact.id == previous.fact.id:
        return True
    same = step.fact.predicate == previous.fact.predicate
    return same and _forward(step) != _forward(previous)
