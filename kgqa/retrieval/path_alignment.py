"""How well a sequence of relations spells out what a question asks, word by word.

"the place of birth of X's other half's father" asks for three relations in a fixed order:
spouse ("other half"), parents ("father"), place_of_birth ("place", "birth"). English puts the
relations after the entity in path order ("X's spouse's father") and those before it in reverse
("the father of the spouse of X"), so the question's content words are read in *path order*:
first the words after the entity mention, left to right, then the words before it, right to
left. A relation path is then aligned to that word sequence: each relation, in order, takes its
own span of one word or two adjacent words, and the alignment is scored by

- precision: how well each relation matches its span (a relation no word asks for costs), and
- coverage: the share of content words the spans explain, weighted by how well they match (a
  word no relation explains costs, so "the sex of X's wife" prefers spouse, gender to spouse).

A *turn* (a relation walked against the direction of the one before, to things that share a
value: the other films of X's director, the people of X's spouse's gender, the people born
where X's child died) must be named by words of its own: the words of one phrase ("cause of
death", "a man or a woman", "other half", "place of death") name one relation, so a turn may
not take the word next to its previous relation's in the same phrase. Without that, a walk
explains one more word by turning, and "is X's wife a man or a woman" answered with every
person of her gender (issue 21: 24 of the 35 PathQuestion PQ-2H misses of the 200-question
sample). Chains of forward relations are not held to it: "the place of birth of the mom of X"
names two relations joined by "of".

A question asked with do-support about a possessive ("what does X's husband do", "where does
X's parent come from") names its last relation by the clause around its subject, not by a
content word: that clause, read with the subject as "it" ("what does it do"), is one more word
in path order (``AskedWords.framed``), and the last relation must take it: the subject of the
clause is never its answer.

A word standing where a noun does ("X's heir", "the heir of") is also compared with the
relations as a role, both inside ``ROLE_FRAME`` ("the heir of someone" against "the children of
someone"), which tells kinship apart where the bare words barely do. A word the embedder's
vocabulary lacks but that is two of its words run together ("X's fatherdead") is read as those
two (``split_run_together``).

The best monotone alignment is found by dynamic programming over the word sequence. A whole-
question cosine (``KbAnswerer``) is mixed in by the caller, which carries what single words
miss ("what does X do" asks for a profession).
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass

import numpy as np

from kgqa.relation_examples.examples import MENTION
from kgqa.retrieval.graph import predicate_text
from kgqa.retrieval.linking import FUNCTION_WORDS

__all__ = [
    "MENTION",
    "ROLE_FRAME",
    "AskedWords",
    "Span",
    "alignment_score",
    "alignment_scores",
    "content_words",
    "relation_texts",
]
_TOKEN = re.compile(r"\x00|\w+")
# Joins the two parts of one word read as two (``split_run_together``): an English compound
# names its parts in path order whichever side of the mention it stands ("the grandsex of X":
# X -> generation -> sex; "X's fatherdead": father -> dead), so reading the words before the
# mention right to left keeps a compound's parts left to right.
_GLUE = "\x01"
# "grand" at the head of a compound ("grandson", "X's grandsex") is one generation step more:
# a word of its own, read as "generation". MiniLM puts "grand" alone 0.16-0.18 from every
# relation name and "generation" 0.47 / 0.49 from children / parents (0.21-0.41 from the other
# PathQuestion relations), so without it a compound's kinship step went unexplained and the
# walk one step short won. PathQuestion PQ-3H, 2026-12-07: 127 of its 364 misses held a
# "grand-" word (of 269 such questions).
_GENERATION_PREFIX = "grand"
_GENERATION = "generation"
_LETTERS = re.compile(r"[a-z]+")
# Shortest part of a word run together from two ("fatherdead"): shorter pieces of an unknown
# word are as likely chance ("of", "he").
_MIN_PART = 3
# "'s" survives tokenisation as "s"; it is a function word here.
_FUNCTION_WORDS = FUNCTION_WORDS | {"s"}
# "the film X", "an actor X": one content word between an article and the mention says what the
# mention is, not a relation to walk ("who wrote the film X" asks for written_by alone). Until
# issue 21 the words "film" and "movie" were listed as stop words for this, a MetaQA artefact;
# the apposition is English grammar and holds for any kind ("the screenwriter X co-wrote ...").
_ARTICLES = frozenset({"the", "a", "an"})
# A span is one word or two adjacent ones ("other half", "religious belief"). Spans across a
# function word ("place of birth") cost 3-7 points per PathQuestion file: they let one relation
# swallow two ("sex of wife" -> spouse).
_MAX_SPAN_TOKENS = 2
_MAX_SPAN_WORDS = 2
# Weight of precision against coverage; coverage weighs more because a missing relation is the
# commoner error (a one-hop path that stops half way).
_PRECISION_WEIGHT = 0.3
# Two content words on one side of the mention are one phrase when next to each other or joined
# only by these ("cause of death", "a man or a woman", "line of business"); a possessive ("X's
# mother's father") or an article ("which films starred the actors of X") starts another.
_PHRASE_JOINERS = frozenset({"of", "or", "and", "a", "an"})
# "the name of NP" is NP itself ("what is the name of the heir of X's dad"): "name" asks for
# no relation. Left a content word, it let a walk turn to explain it (PathQuestion PQ-3H asks
# 712 of its 5,198 questions so; "the gender of couple of X's darling" answered with every
# person of one gender).
_NAME_WORDS = frozenset({"name", "names"})
# A question of this form, wh-word then (after at most one word) one of these, asks with
# do-support: its subject follows the auxiliary, its main verb the subject ("AskedWords.framed").
_WH_WORDS = frozenset({"what", "where", "when", "which", "who", "whom", "how"})
# A content word right after one of these stands where a noun does ("X 's heir", "the heir",
# "of heir"): a cheap, tagger-free test, good enough for the role frame.
_NOUN_MARKERS = frozenset({"s", "the", "a", "an", "of"})
# A noun and a relation name are also compared as roles, each inside this frame: MiniLM puts
# "heir" nearer "parents" than "children" (0.411 / 0.383) and "daughter" nearly between them
# (0.572 / 0.564), but "the heir of someone" nearer "the children of someone" (0.655 / 0.571;
# "daughter" 0.723 / 0.677). Only nouns: a verb or participle in the frame ("the staying of
# someone") matches every relation about as well, so the frame applied to every word gave
# PathQuestion PQ-3H 94.0 -> 98.0 but PQ-2H 94.0 -> 92.5 (issue 21, 2026-12-02).
ROLE_FRAME = "the {} of someone"
# Share of the role frame's (pinned) cosine in a noun span's similarity with a relation.
# README's 200-question samples, 2026-12-07: 0.5 PQ-3H 94.0 -> 96.0, the other seven files
# unchanged; 0.8 the same as 0.5 on PQ-2H, PQ-3H and MetaQA 2-hop (the three files tried).
_ROLE_FRAME_WEIGHT = 0.5
_DO_SUPPORT = frozenset({"do", "does", "did"})


@dataclass(slots=True, frozen=True)
class Span:
    first: int  # index of its first content word in path order
    last: int  # index of its last content word in path order (inclusive)
    text: str  # the question's words it covers, in reading order
    # Stands where a noun does: right after a possessive, an article or "of" ("X's heir", "the
    # heir of"). Such a span is also compared in the role frame (``role_frame``).
    noun: bool = False


@dataclass(slots=True, frozen=True)
class AskedWords:
    """A question's content words in path order, and the spans relations may align to."""

    words: tuple[str, ...]
    spans: tuple[Span, ...]
    # joined[i]: word i is in one phrase with word i - 1 (path order).
    joined: tuple[bool, ...] = ()
    # The last word is a do-support clause ("what does it do", ``framed``): the last relation
    # must take it.
    clause_last: bool = False

    @classmethod
    def readings(cls, asked: str) -> list[AskedWords]:
        """The path orders a question allows: after-then-before ("the father of X's wife":
        wife, father), and where the mention is no possessive, also before-then-after ("the
        films written by X were in which genres": written, films, genres). A relation path
        takes the better. A possessive continues the path after the mention, so "the child of
        X's parent" is read one way only (else parents, children and children, parents tie)."""
        framed = cls.framed(asked)
        if framed:
            return framed
        first = cls.read(asked)
        tokens = _TOKEN.findall(asked)
        at = tokens.index(MENTION) if MENTION in tokens else -1
        if at < 0 or tokens[at + 1 : at + 2] == ["s"]:
            return [first]
        second = cls.read(asked, before_first=True)
        return [first] if second.words == first.words else [first, second]

    @classmethod
    def framed(cls, asked: str) -> list[AskedWords]:
        """The readings of a question asked with do-support about a possessive ("where does
        X's parent come from", "what does X's husband do"): its subject, the mention's
        possessive chain, names the walk to an entity, and the clause around the subject,
        read with the subject as "it" ("where does it come from", "what does it do"), names
        the last relation, though it may hold no content word at all ("do"). Without it a
        path that stops at the subject explains every content word: 9 of the 16 PathQuestion
        PQ-2H misses of the 200-question sample (2026-12-02) were so, and this reading took the
        file from 92.0 to 94.0 (what is left: "where does it work" sits nearer location than
        institution). The subject's last noun is one or two words ("X's other half come
        from"); each is a reading. None for any other question."""
        tokens = _TOKEN.findall(asked)
        at = tokens.index(MENTION) if MENTION in tokens else -1
        aux = next((i for i in (1, 2) if i < at and tokens[i] in _DO_SUPPORT), -1)
        if aux < 0 or tokens[0] not in _WH_WORDS or tokens[at + 1 : at + 2] != ["s"]:
            return []
        last = max(i for i in range(at + 1, len(tokens)) if tokens[i] == "s")
        chain = [t for t in tokens[at + 1 : last] if t != "s"]
        if any(t in _FUNCTION_WORDS for t in chain):
            return []  # "'s" then a clause: no possessive chain
        readings = []
        for length in range(1, _MAX_SPAN_WORDS + 1):
            noun = tokens[last + 1 : last + 1 + length]
            tail = tokens[last + 1 + length :]
            if len(noun) < length or not tail or any(t in _FUNCTION_WORDS for t in noun):
                continue
            # The wh-phrase is the verb's object: "what faith does it have" is one phrase.
            frame = " ".join([*tokens[: aux + 1], "it", *tail])
            subject = cls.read(" ".join(tokens[aux + 1 : last + 1 + length]))
            readings.append(subject.with_frame(frame))
        return readings

    def with_frame(self, frame: str) -> AskedWords:
        """These words with ``frame`` as one more word, last in path order, a span of its
        own."""
        at = len(self.words)
        spans = (*self.spans, Span(at, at, frame))
        joined = (*(self.joined or (False,) * at), False)
        return AskedWords((*self.words, frame), spans, joined, clause_last=True)

    @classmethod
    def read(cls, asked: str, before_first: bool = False) -> AskedWords:
        """``asked``: the question in lower case with the entity mention replaced by
        ``MENTION`` (no marker: every word counts as coming after the mention)."""
        tokens = _TOKEN.findall(asked)
        at = tokens.index(MENTION) if MENTION in tokens else -1
        content = _content(tokens, at)
        after = [i for i in content if i > at]
        before = _compounds_forward([i for i in content if i < at][::-1], _glued(asked))
        order = before + after if before_first else after + before
        side = [True] * len(after) + [False] * len(before)
        if before_first:
            side = side[len(after) :] + side[: len(after)]
        spans = []
        for a in range(len(order)):
            for b in range(a, min(a + _MAX_SPAN_WORDS, len(order))):
                lo, hi = sorted((order[a], order[b]))
                if side[b] != side[a] or hi - lo >= _MAX_SPAN_TOKENS:
                    break
                text = " ".join(t for t in tokens[lo : hi + 1] if t != MENTION)
                spans.append(Span(a, b, text, lo > 0 and tokens[lo - 1] in _NOUN_MARKERS))
        joined = [False] + [
            side[a] == side[a - 1] and _one_phrase(tokens, order[a - 1], order[a])
            for a in range(1, len(order))
        ]
        return cls(tuple(tokens[i] for i in order), tuple(spans), tuple(joined))


# Separators of a hierarchical relation name: Freebase's "people.person.place_of_birth",
# "/people/person/place_of_birth" and PathQuestion-L's "__people__person__place_of_birth".
_HIERARCHY = re.compile(r"__|[./]")


def relation_texts(predicate: str) -> list[str]:
    """The texts a relation's name is read as: the whole name, and for a hierarchical name its
    last part too, the property proper ("place of birth"; "people person" says only whose it
    is). A word of the question is aligned to the better: "X's organism_type's works" names
    ``__book__book_subject__works`` by "works", which "book book subject works" dilutes (a one-
    hop path that left "works" unexplained outscored it on PathQuestion PQL-2H)."""
    whole = predicate_text(predicate)
    parts = [part for part in _HIERARCHY.split(predicate) if part.strip("_")]
    last = predicate_text(parts[-1]) if len(parts) > 1 else ""
    return [whole, last] if last and last != whole else [whole]


def split_run_together(asked: str, vocabulary: Container[str]) -> str:
    """``asked`` with each word the vocabulary lacks, but that is two of its words run
    together, written as those two ("X's fatherdead" -> "X's father dead"). A part is at least
    ``_MIN_PART`` letters; of several splits the one with the longer shorter part is taken.
    A compound of "grand" ("grandson", "grandsex") is read as "generation" and its rest
    (``_GENERATION_PREFIX``). The parts are joined by ``_GLUE``, which reads as a space."""

    def split(word: str) -> str:
        rest = word[len(_GENERATION_PREFIX) :]
        if word.startswith(_GENERATION_PREFIX) and len(rest) >= _MIN_PART:
            head = split(rest)
            if head != rest or rest in vocabulary:
                return f"{_GENERATION}{_GLUE}{head}"
        if word in vocabulary or len(word) < 2 * _MIN_PART:
            return word
        cuts = [
            i
            for i in range(_MIN_PART, len(word) - _MIN_PART + 1)
            if word[:i] in vocabulary and word[i:] in vocabulary
        ]
        if not cuts:
            return word
        i = max(cuts, key=lambda c: (min(c, len(word) - c), c))
        return f"{word[:i]}{_GLUE}{word[i:]}"

    return _LETTERS.sub(lambda match: split(match.group(0)), asked)


def content_words(asked: str) -> list[str]:
    """The question's words that may name a relation, in reading order (``asked`` as for
    ``AskedWords.read``): no function words, no mention, no apposition naming the mention."""
    framed = AskedWords.framed(asked)
    if framed:
        return list(framed[-1].words)
    tokens = _TOKEN.findall(asked)
    return [tokens[i] for i in _content(tokens, tokens.index(MENTION) if MENTION in tokens else -1)]


def _content(tokens: list[str], at: int) -> list[int]:
    appositive = -1
    if at >= 2 and tokens[at - 2] in _ARTICLES and tokens[at - 1] not in _FUNCTION_WORDS:
        appositive = at - 1
    return [
        i
        for i, t in enumerate(tokens)
        if t != MENTION
        and t not in _FUNCTION_WORDS
        and i != appositive
        and not (t in _NAME_WORDS and tokens[i + 1 : i + 2] == ["of"])
    ]


def _glued(asked: str) -> list[bool]:
    """Per token of ``asked`` (``_TOKEN``), whether it is the second part of a word read as two
    (``_GLUE`` before it)."""
    return [m.start() > 0 and asked[m.start() - 1] == _GLUE for m in _TOKEN.finditer(asked)]


def _compounds_forward(descending: list[int], glued: list[bool]) -> list[int]:
    """Token indices read right to left, but the parts of each compound left to right."""
    groups: list[list[int]] = []
    for i in descending:
        if groups and glued[groups[-1][0]] and groups[-1][0] - 1 == i:
            groups[-1].insert(0, i)
        else:
            groups.append([i])
    return [i for group in groups for i in group]


def _one_phrase(tokens: list[str], i: int, j: int) -> bool:
    lo, hi = sorted((i, j))
    return all(t in _PHRASE_JOINERS for t in tokens[lo + 1 : hi])


def alignment_score(
    asked: AskedWords, sims: np.ndarray, turns: Sequence[bool] | None = None
) -> float:
    """Best monotone alignment of a relation path to the asked words, in [-1, 1].

    ``sims[s, j]``: cosine of span ``asked.spans[s]`` with the path's ``j``-th relation. Each
    relation takes one span, spans do not overlap and follow the relations' order.
    ``turns[j]``: relation ``j`` is walked against the direction of the one before (module doc)."""
    m, n = len(asked.words), sims.shape[1]
    if n == 0 or m < n:
        return 0.0
    turn = list(turns) if turns is not None else [False] * n
    joined = asked.joined or (False,) * m
    w_precision = _PRECISION_WEIGHT / n
    w_cover = (1 - _PRECISION_WEIGHT) / m
    starting: dict[int, list[tuple[int, int]]] = {}
    for s, span in enumerate(asked.spans):
        starting.setdefault(span.first, []).append((span.last, s))
    # best[t, i, j]: j relations aligned within the first i words; t = 1 where relation j - 1's
    # span ends right before word i (a turn must not take that phrase's next word).
    best = np.full((2, m + 1, n + 1), -np.inf)
    best[0, 0, 0] = 0.0
    for i in range(m):
        for j in range(n + 1):
            loose, tight = best[0, i, j], best[1, i, j]
            here = max(loose, tight)
            if here == -np.inf:
                continue
            best[0, i + 1, j] = max(best[0, i + 1, j], here)  # word i left unexplained
            if j == n:
                continue
            if turn[j] and joined[i]:
                here = loose  # word i continues the phrase relation j - 1 took
                if here == -np.inf:
                    continue
            for last, s in starting.get(i, ()):
                words = last - i + 1
                value = here + sims[s, j] * (w_precision + w_cover * words)
                best[1, last + 1, j + 1] = max(best[1, last + 1, j + 1], value)
    # A do-support clause asks about its subject: the subject itself is no answer ("what does
    # X's husband do" is not the husband), so the last relation must take the clause.
    end = best[1, m, n] if asked.clause_last else max(best[0, m, n], best[1, m, n])
    return float(end) if end > -np.inf else 0.0


def alignment_scores(
    asked: AskedWords,
    span_vectors: np.ndarray,
    relation_vectors: dict[str, np.ndarray],
    paths: Sequence[tuple[str, ...]],
    turns: dict[tuple[str, ...], tuple[bool, ...]] | None = None,
    roles: tuple[np.ndarray, dict[str, np.ndarray]] | None = None,
) -> dict[tuple[str, ...], float]:
    """``alignment_score`` of each relation path; one matrix product for all relations.
    ``relation_vectors``: per relation, one vector or a row per reading of its name
    (``relation_texts``; a span takes the best). ``turns``: per path, which of its relations
    turn (none where absent). ``roles``: the spans and relation readings embedded inside
    ``ROLE_FRAME`` (rows and shapes as the plain ones); a noun span's similarity is then mixed
    with its role similarity (``_ROLE_FRAME_WEIGHT``)."""
    if not len(asked.spans):
        return {path: 0.0 for path in paths}
    # Every relation given, not only those of ``paths``: the role frame's level is set over
    # all of them, so a path scores alike whichever others it is scored with.
    names = sorted(relation_vectors)
    column = {r: i for i, r in enumerate(names)}
    sims = _best_readings(span_vectors, relation_vectors, names)
    if roles is not None:
        nouns = np.array([span.noun for span in asked.spans])
        if nouns.any():
            framed = _best_readings(roles[0][nouns], roles[1], names)
            # Pinned to the plain level: the frame reorders relations but lifts none above the
            # span's best plain match (inside the frame every cosine rises, and a higher
            # match favours the path with fewer relations: MetaQA 2-hop "who are the actors
            # of the screenwriter X" went to starred_actors alone, 96.0 -> 95.5 unpinned).
            framed += sims[nouns].max(axis=1, keepdims=True) - framed.max(axis=1, keepdims=True)
            w = _ROLE_FRAME_WEIGHT
            sims[nouns] = (1 - w) * sims[nouns] + w * framed
    marks = turns or {}
    return {
        path: alignment_score(asked, sims[:, [column[r] for r in path]], marks.get(path))
        for path in paths
    }


def _best_readings(
    span_vectors: np.ndarray, relation_vectors: dict[str, np.ndarray], names: list[str]
) -> np.ndarray:
    """(spans, names): each span's cosine with the best reading of each relation's name."""
    rows = [np.atleast_2d(relation_vectors[r]) for r in names]
    owner = np.repeat(np.arange(len(names)), [len(r) for r in rows])
    every = span_vectors @ np.concatenate(rows).T
    sims = np.full((len(span_vectors), len(names)), -np.inf)
    np.maximum.at(sims.T, owner, every.T)
    return sims
