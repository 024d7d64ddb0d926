"""Answers from relation paths: when a path of typed relations from a question entity matches
the question ("which nationality is X's couple?" -> spouse, nationality), the entities at its
end are the answer (a set: "which films did X direct") and the path is the evidence. Typical
for imported knowledge bases.

Paths are walked as sets, hop by hop (``kgqa.graph.relation_paths``): every path of one relation
sequence from one start is one walk, its ends the candidate answers. Each walk is scored as a
whole against the whole question with the entity mention removed: half by aligning its
relations, in order, to the question's words (``path_alignment``; a word no relation explains
costs, so a path that stops one hop early scores below the one that goes the whole way), half
by the cosines of the question, whole and as its content words, with the sequence's readable
text. Where relation examples exist (``kgqa.relation_examples``), 70% of a walk's score is its
nearest example's weighted cosine with the question. A walk that turns (film -directed_by->
director <-directed_by- other films) is scored by the same rule as any other: "the director of
X also directed which films" asks for exactly that, and its start is no answer where the walk
reaches others (``kgqa.graph.relation_paths``). A hop walked backward along a relation that the
KB also states forward, by another relation, between the same entities ("Y parents X" beside "X
children Y"), or along a relation the KB states both ways at all (``stated_both_ways``: walked
back, parents is children), costs ``_RESTATED_DISCOUNT``: a question names the relation its
answer is stated by.

Between hops only the best-scoring walks go on (``beam``), judged by what they or any longer
path of examples starting with them could score, none more than ``margin`` below the best (the
store is read only for walks that could still win), and at most ``max_frontier`` of their ends
are expanded: the fan-out is bounded whatever the KB.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass

import numpy as np

from kgqa.domain import Fact
from kgqa.embedding.text_cache import EmbedTexts
from kgqa.graph.base import GraphStore
from kgqa.graph.relation_paths import (
    Walk,
    answer_ends,
    extend_walks,
    start_walk,
    steps_by_entity,
)
from kgqa.relation_examples.examples import Forward, PathKey, mark_mention, unmarked
from kgqa.relation_examples.match import ExampleMatcher
from kgqa.retrieval.graph import predicate_text
from kgqa.retrieval.linking import LinkedEntity
from kgqa.retrieval.path_alignment import (
    ROLE_FRAME,
    AskedWords,
    alignment_scores,
    content_words,
    relation_texts,
    split_run_together,
)

Key = tuple[str, ...]
# A relation sequence, which of its hops turn against the one before (``path_alignment``) and
# which go as the KB states the relation (relation examples learned with directions).
Shape = tuple[Key, tuple[bool, ...], Forward]

# Weight of the word alignment against the question's cosines with the path's text. The
# cosines barely tell a path from the same path one hop longer ("spouse spouse" and "spouse
# spouse spouse" embed alike) and lean to the shorter, so they let a path that leaves a word
# unexplained win ("X's other half's couple's work" stopping at the couple). Swept on the
# 200-question samples of the README's KB table (2026-12-02, with the do-support frames and
# both-ways discount): 0.5 -> 0.6 PQ-3H 92.5 -> 94.0, PQL-3H 97.0 -> 97.5, the other six
# files unchanged; 0.7 PQ-3H 95.0 but PQ-2H -0.5 and MetaQA 2-hop -0.5 ("who are the actors
# of the screenwriter X": the apposition's "screenwriter" reaches the path only by the
# whole-question cosine).
_ALIGNMENT_WEIGHT = 0.6
# Weight of the nearest relation example (``relation_examples``), where a path has examples.
_EXAMPLE_WEIGHT = 0.7
# Walks carried to the next hop, per question: a MetaQA film has ~9 relation kinds, so 16
# keeps every one-hop walk and the best two-hop ones (2-hop and 3-hop dev samples lose nothing
# against 64; PathQuestion's forward paths need fewer).
_BEAM = 16
# Walks scoring (or able to score, by their examples) this much below the best walk of their
# hop are not walked on, so the store is read for few ends. MetaQA 3-hop, 25 dev questions,
# warm caches, in one process (load 21): KB p50 380 -> 34 ms against no margin, the same 22 hits.
_BEAM_MARGIN = 0.3
# Ends expanded per hop over all carried walks, best walks first (bounds the store query on
# an actor's films' actors).
_MAX_FRONTIER = 400
# Ends kept per walk: the answer set of one path ("films of this genre") is cut here.
_MAX_ENDS = 500
# Members of the best answer set returned besides ``top_k`` runners-up.
_MAX_SET = 100
# Taken off a walk's score per hop walked backward along a relation the KB also states forward
# by another one ("Y parents X" walked back beside "X children Y"): the question names the
# stated one. PathQuestion PQL-2H, 200 q (2026-12-02): place_of_birth walked back beat
# people_born_here by 0.003-0.006 (about half the file's misses); with this and the last-part
# reading of relation names (``path_alignment.relation_texts``) the file went 89.0 -> 99.5.
# Larger than those ties, small against what a wrong word costs (0.05 and up).
_RESTATED_DISCOUNT = 0.03
# Walks whose scores differ by less than this are one answer set (the same relations walked
# from two entities of one name).
_TIE = 1e-9


@dataclass(slots=True, frozen=True)
class KbAnswer:
    entity_id: str
    name: str
    score: float
    path: tuple[Fact, ...]
    support: int = 1  # how many paths of its relation sequence arrive at it
    in_best_set: bool = False  # one of the answers of the best-scoring relation path

    @property
    def relations(self) -> tuple[str, ...]:
        return tuple(f.predicate for f in self.path)


class KbAnswerer:
    def __init__(
        self,
        store: GraphStore,
        embed: EmbedTexts,
        max_hops: int = 3,
        fanout: int = 100,
        max_paths: int = _MAX_FRONTIER,
        min_score: float = 0.1,
        enabled: Callable[[], bool] = lambda: True,
        examples: ExampleMatcher | None = None,
        beam: int = _BEAM,
        margin: float = _BEAM_MARGIN,
        vocabulary: Callable[[], Container[str]] | None = None,
    ) -> None:
        """``vocabulary``: the embedder's whole words (``WordVocabulary``), to read a question's
        words run together ("X's fatherdead") as two (``split_run_together``); None reads
        every word as written."""
        self._vocabulary = vocabulary
        self._enabled = enabled
        self._examples = examples
        self._store = store
        self._embed = embed
        self._max_hops = max_hops
        self._fanout = fanout
        self._max_frontier = max_paths  # ends expanded per hop (the name predates walks)
        self._min_score = min_score
        self._beam = beam
        self._margin = margin

    def answer(
        self, question: str, linked: Sequence[LinkedEntity], top_k: int = 5
    ) -> list[KbAnswer]:
        """The best path's answer set (``in_best_set``, most supported first), then up to
        ``top_k`` other candidates, best first; empty when no path matches the question."""
        seeds = [le for le in linked if le.score > 0][:3]
        if not seeds or not self._enabled():
            return []
        # A path is compared with the question minus its own start's mention only: another
        # linked word ("who stars in Barcelona" also links a film called "Stars") may be the
        # very word that names the relation.
        asked = {
            seed.entity.id: mark_mention(question, (seed.surface, seed.entity.name))
            or " ".join(question.lower().replace("_", " ").split())
            for seed in seeds
        }
        weight = {seed.entity.id: seed.score for seed in seeds}
        scored: list[tuple[float, Walk]] = []
        frontier = [start_walk(seed.entity.id) for seed in seeds]
        for hop in range(self._max_hops):
            walks = self._extend(frontier)
            if not walks:
                break
            full, ahead, informed = self._question_scores(asked, walks)
            scored += [(_own(s, w) * weight[w.start], w) for s, w in zip(full, walks, strict=True)]
            if hop + 1 < self._max_hops:
                weighted = [_own(a, w) * weight[w.start] for a, w in zip(ahead, walks, strict=True)]
                frontier = self._beam_of(walks, weighted, informed)
        return self._answers(scored, top_k)

    def _beam_of(self, walks: list[Walk], ahead: list[float], informed: bool) -> list[Walk]:
        """The walks that go on, best first: at most ``beam``, and, where examples say what
        longer paths could score (``informed``), none that could score less than the best by
        more than ``margin`` (pruned before the store is read for them). Without examples a
        walk's own score says little of its extensions: "X's heir's ethnicity" scores
        ethnicity above children at the first hop (PathQuestion PQ-2H lost that question)."""
        order = sorted(range(len(walks)), key=lambda i: -ahead[i])[: self._beam]
        if not order or not informed:
            return [walks[i] for i in order]
        bar = ahead[order[0]] - self._margin
        return [walks[i] for i in order if ahead[i] >= bar]

    def _extend(self, frontier: list[Walk]) -> list[Walk]:
        """The walks one hop longer; only the ends of the best walks, up to the cap, go on."""
        ends: list[str] = []
        for walk in frontier:
            ends += walk.ends
        wanted = list(dict.fromkeys(ends))[: self._max_frontier]
        if not wanted:
            return []
        kept = set(wanted)
        # Copies: the walks themselves keep all their ends as answers.
        going = [
            Walk(w.start, w.hops, {e: r for e, r in w.ends.items() if e in kept}, w.restated)
            for w in frontier
        ]
        by_entity = steps_by_entity(self._store.relations_of(wanted, self._fanout))
        return extend_walks(going, by_entity, _MAX_ENDS)

    def _answers(self, scored: list[tuple[float, Walk]], top_k: int) -> list[KbAnswer]:
        scored = [(s, w) for s, w in scored if s >= self._min_score and w.ends]

        if not scored:
            return []
        scored.sort(key=lambda sw: (-sw[0], len(sw[1].hops)))
        top = scored[0][0]
        best: dict[str, KbAnswer] = {}
        for score, walk in scored:
            in_set = top - score < _TIE
            for entity, reach in answer_ends(walk).items():
                if entity not in best:
                    best[entity] = KbAnswer(
                        entity, reach.name, round(score, 6), reach.facts, reach.support, in_set
                    )
        answers = sorted(
            best.values(),
            key=lambda a: (not a.in_best_set, -a.score, -a.support, len(a.path), a.name),
        )
        members = [a for a in answers if a.in_best_set][:_MAX_SET]
        return members + [a for a in answers if not a.in_best_set][:top_k]

    def _question_scores(
        self, asked: dict[str, str], walks: Sequence[Walk]
    ) -> tuple[list[float], list[float], bool]:
        """Per walk, how well its relation sequence matches the question from its start, and
        the best that it or a longer path of examples beginning with it could score (what the
        beam keeps), and whether relation examples informed the latter."""
        shapes = [_shape(w) for w in walks]
        scores, ahead, informed = self._key_scores({w.start for w in walks}, asked, set(shapes))
        return (
            [scores[w.start][k] for w, k in zip(walks, shapes, strict=True)],
            [ahead[w.start][k] for w, k in zip(walks, shapes, strict=True)],
            informed,
        )

    def _key_scores(
        self, starts: set[str], asked: dict[str, str], shapes: set[Shape]
    ) -> tuple[dict[str, dict[Shape, float]], dict[str, dict[Shape, float]], bool]:
        """How well each relation sequence matches the question, per start (``asked``: the
        question with that start's mention marked). All texts are embedded in one batch.

        Half is the word alignment (``path_alignment``, the better of its readings). The other
        half reads the question whole and as its content words alone, and averages the two
        cosines with the path's text: the whole question carries what no single word says
        ("what does X do" asks for a profession), its content words the one relation a short
        question names ("writer" -> written_by, where "who is the writer of the film" alone
        sits closer to "starred actors")."""
        readings: dict[str, tuple[list[AskedWords], int, dict[str, int]]] = {}
        texts: list[str] = []
        vocabulary = self._vocabulary() if self._vocabulary is not None else frozenset()
        for start in sorted(starts):
            plain = unmarked(asked[start])
            text = split_run_together(asked[start], vocabulary)
            words = AskedWords.readings(text)
            content = " ".join(content_words(text)) or plain
            span_texts = sorted({span.text for reading in words for span in reading.spans})
            nouns = sorted({s.text for reading in words for s in reading.spans if s.noun})
            at = len(texts)
            rows = {t: at + 2 + i for i, t in enumerate(span_texts)}
            # A noun span's role text is embedded too ("the heir of someone").
            rows |= {_role(t): at + 2 + len(span_texts) + i for i, t in enumerate(nouns)}
            readings[start] = (words, at, rows)
            texts += [plain, content, *span_texts, *(_role(t) for t in nouns)]
        keys = {key for key, _, _ in shapes}
        names = sorted({r for key in keys for r in key})
        plain_texts = {r: relation_texts(r) for r in names}
        # Each reading of a relation's name is also read as a role (``ROLE_FRAME``).
        name_texts = {r: [*t, *(_role(x) for x in t)] for r, t in plain_texts.items()}
        # A path's text names each of its relations once (``_path_text``): how often one is
        # walked forward is the word alignment's to say. MiniLM reads "spouse spouse" nearer
        # most questions than "spouse spouse spouse", which made a walk that stops one hop
        # short win ("the husband of X's wife's darling"). PathQuestion, whole files,
        # 2026-12-07: PQ-3H 93.0 -> 94.5, but PQ-2H 95.3 -> 94.5 where turns were read once
        # too ("X's other half's sex" answered by spouse, gender, gender walked back: every
        # person of her sex); a turn named again keeps PQ-2H (README, KB multi-hop).
        path_texts = {(k, turns): _path_text(k, turns) for k, turns, _ in shapes}
        paths = sorted(set(path_texts.values()))
        readable = [t for r in names for t in name_texts[r]]
        # One call for the question's texts, the relation names and the paths' texts.
        vectors = np.asarray(self._embed(texts + readable + paths))
        at_paths = len(texts) + len(readable)
        relations, roles, row = {}, {}, len(texts)
        for r in names:
            n = len(plain_texts[r])
            relations[r], roles[r] = vectors[row : row + n], vectors[row + n : row + 2 * n]
            row += 2 * n
        path_vectors = dict(zip(paths, vectors[at_paths:], strict=True))
        w = _ALIGNMENT_WEIGHT
        by_turns: dict[tuple[bool, ...], list[Key]] = {}
        for key, turns in {(key, turns) for key, turns, _ in shapes}:
            by_turns.setdefault(turns, []).append(key)
        for group in by_turns.values():
            group.sort()
        scores: dict[str, dict[Shape, float]] = {}
        ahead: dict[str, dict[Shape, float]] = {}
        informed = False
        for start, (words, at, span_rows) in readings.items():
            aligned = {(k, turns): -1.0 for k, turns, _ in shapes}
            for reading in words:
                spans = vectors[[span_rows[s.text] for s in reading.spans]]
                framed = np.zeros_like(spans)
                for i, s in enumerate(reading.spans):
                    if s.noun:
                        framed[i] = vectors[span_rows[_role(s.text)]]
                for turns, group in by_turns.items():
                    marks = dict.fromkeys(group, turns)
                    found = alignment_scores(
                        reading, spans, relations, group, marks, (framed, roles)
                    )
                    for k, v in found.items():
                        aligned[(k, turns)] = max(aligned[(k, turns)], v)
            learned = self._examples.scores(vectors[at]) if self._examples else {}
            informed = informed or bool(learned)
            longer = _prefix_best(learned)
            scores[start], ahead[start] = {}, {}
            for shape in shapes:
                k, turns, forward = shape
                path = path_vectors[path_texts[(k, turns)]]
                whole, by_content = float(vectors[at] @ path), float(vectors[at + 1] @ path)
                own = w * aligned[(k, turns)] + (1 - w) * (whole + by_content) / 2
                score = _mixed(own, _example(learned, k, forward))
                scores[start][shape] = score
                ahead[start][shape] = max(score, _mixed(own, _example(longer, k, forward)))
        return scores, ahead, informed


def _path_text(key: Key, turns: tuple[bool, ...]) -> str:
    """The readable text of a walk: each relation once, but a turn named again ("directed by
    directed by": the other films of X's director)."""
    named: list[str] = []
    for relation, turn in zip(key, turns, strict=True):
        if turn or relation not in named:
            named.append(relation)
    return " ".join(predicate_text(p) for p in named)


def _role(text: str) -> str:
    return ROLE_FRAME.format(text)


def _own(score: float, walk: Walk) -> float:
    """``score`` less the discount for each hop the walk takes backward where the KB states
    the same link forward by another relation (``restated_backward``)."""
    return score - _RESTATED_DISCOUNT * walk.restated


def _shape(walk: Walk) -> Shape:
    """The walk's relations, which of its hops turn against the direction of the one before,
    and which go forward."""
    hops = walk.hops
    turns = tuple(j > 0 and hops[j][1] != hops[j - 1][1] for j in range(len(hops)))
    return walk.relations, turns, tuple(forward for _, forward in hops)


def _example(learned: dict[PathKey, float], key: Key, forward: Forward) -> float | None:
    """The best example score of the path: examples learned for its hops' directions, and
    those that fit either direction (hand-written)."""
    found = [s for s in (learned.get((key, forward)), learned.get((key, None))) if s is not None]
    return max(found) if found else None


def _mixed(own: float, example: float | None) -> float:
    if example is None:
        return own
    return (1 - _EXAMPLE_WEIGHT) * own + _EXAMPLE_WEIGHT * example


def _prefix_best(learned: dict[PathKey, float]) -> dict[PathKey, float]:
    """For each proper prefix of a path with examples, the best example score beyond it."""
    best: dict[PathKey, float] = {}
    for (key, forward), score in learned.items():
        for n in range(1, len(key)):
            prefix = (key[:n], forward[:n] if forward is not None else None)
            best[prefix] = max(best.get(prefix, -1.0), score)
    return best
