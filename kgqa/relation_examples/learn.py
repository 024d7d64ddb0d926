"""Learn relation examples from question-answer pairs over an imported knowledge base.

For each pair the topic entity is looked up by name and every relation path of up to
``max_hops`` hops from it is walked as a set (``kgqa.graph.relation_paths``): the paths whose
end entities best match the gold answers (F1 of the entity sets, at least ``min_f1``; several
where they tie) fit the pair. Pairs of one wording (the question with its topic's mention
written ``[entity]``) are decided together: the wording becomes an example (``examples``) of
the path most of its pairs fit, counted, and of any path nearly as many fit; a wording whose
pairs are split evenly between two paths teaches nothing. One pair's coincidence (the writers'
films' years equal to the directors' films' years) cannot outvote the rest. Distant
supervision: no labels beyond the answers. The KB's steps are read in batches into a bounded
cache, so learning costs one walk over sets per pair, not one store query per path.

Input files: one pair per line, either ``question with [topic]<TAB>answer|answer`` (MetaQA's
format) or a JSON object ``{"question": ..., "topic": ..., "answers": [...]}`` (``topic`` may be
left out when the question brackets it).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kgqa.errors import InputError
from kgqa.graph.base import GraphStore
from kgqa.graph.relation_paths import EndSets, Hops, StepCache, walk_end_sets
from kgqa.names import normalize_name
from kgqa.relation_examples.examples import (
    MENTION,
    PLACEHOLDER,
    RelationExample,
    example_order,
    mark_mention,
)

# Pairs whose topics and answers are looked up in one call.
_BATCH = 500
# A set of ends larger than this (the films of a genre, the films of a year) is no bridge a
# question walks on; walking it would cost more than all else (MetaQA: no dev question does).
_MAX_FRONTIER = 500
# A wording is also learned for a path at least this share of its pairs fit as well as its
# leading path: MetaQA's partial KB answers some "what words describe X" by a film's genre
# (a real second reading, kept at its share), while noise is the odd pair whose answers
# happen to coincide with another path's (MetaQA 3-hop dev: 150 wordings of ~75 pairs each,
# where a lone pair's fit taught "the movies whose writers also wrote X" the wrong path).
_KEPT_SHARE = 0.5
# Entities whose steps are kept in memory: all of MetaQA's 43k fit; a larger KB is re-read.
_CACHE_ENTITIES = 200_000


@dataclass(slots=True, frozen=True)
class QaPair:
    question: str
    topic: str
    answers: tuple[str, ...]


@dataclass(slots=True)
class LearnReport:
    pairs: int = 0
    learned: int = 0
    topic_not_found: int = 0  # no entity of the topic's name, or the name not in the question
    no_fitting_path: int = 0  # no path's ends match the answers well enough
    ambiguous: int = 0  # several paths fit equally well
    examples: int = 0  # distinct examples in the file afterwards

    def as_dict(self) -> dict[str, int]:
        return {
            "pairs": self.pairs,
            "learned": self.learned,
            "topic_not_found": self.topic_not_found,
            "no_fitting_path": self.no_fitting_path,
            "ambiguous": self.ambiguous,
            "examples": self.examples,
        }


def read_qa_pairs(path: Path) -> list[QaPair]:
    """The pairs in ``path``; a malformed line is an InputError naming the file and line."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    pairs = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                pair = _json_pair(line) if line.lstrip().startswith("{") else _bracket_pair(line)
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(f"{path}:{number}: {e}") from e
            pairs.append(pair)
    if not pairs:
        raise InputError(f"{path}: no question-answer pairs")
    return pairs


def _bracket_pair(line: str) -> QaPair:
    question, tab, answers = line.rstrip("\n").partition("\t")
    if not tab or not answers.strip():
        raise ValueError("expected 'question with [topic]<TAB>answer|answer'")
    start, end = question.find("["), question.find("]")
    if start < 0 or end < start + 2:
        raise ValueError("the question brackets no topic: 'who directed [Heat]'")
    topic = question[start + 1 : end]
    text = question.replace("[", "").replace("]", "")
    return QaPair(text, topic, tuple(a for a in answers.strip().split("|") if a))


def _json_pair(line: str) -> QaPair:
    row = json.loads(line)
    question = row["question"]
    topic = row.get("topic")
    if topic is None:
        return _bracket_pair(question + "\t" + "|".join(row["answers"]))
    answers = row["answers"]
    if not isinstance(answers, list) or not answers or not isinstance(question, str):
        raise ValueError("'question' must be a string and 'answers' a non-empty list")
    return QaPair(question, str(topic), tuple(str(a) for a in answers))


def learn_examples(
    store: GraphStore,
    pairs: Sequence[QaPair],
    max_hops: int = 3,
    fanout: int = 1000,
    min_f1: float = 0.5,
    progress: Callable[[int, int], None] | None = None,
    max_frontier: int = _MAX_FRONTIER,
    cache_entities: int = _CACHE_ENTITIES,
) -> tuple[list[RelationExample], LearnReport]:
    """Examples learned from ``pairs``, one per (wording, path) with the count of pairs."""
    if max_hops < 1:
        raise InputError("max_hops must be at least 1")
    report = LearnReport(pairs=len(pairs))
    # Per wording, how many of its pairs each path fits best (tied paths each count).
    taught: dict[str, Counter[Hops]] = defaultdict(Counter)
    pairs_of: Counter[str] = Counter()
    cache = StepCache(store, fanout, cache_entities)
    for at in range(0, len(pairs), _BATCH):
        batch = pairs[at : at + _BATCH]
        names = {normalize_name(p.topic) for p in batch}
        names |= {normalize_name(a) for p in batch for a in p.answers}
        found = store.find_entities(sorted(names))
        ids = {name: {e.id for e in entities} for name, entities in found.items()}
        for pair in batch:
            topics = sorted(ids.get(normalize_name(pair.topic), ()))
            asked = mark_mention(pair.question, [pair.topic])
            if not topics or asked is None:
                report.topic_not_found += 1
                continue
            gold = {e for a in pair.answers for e in ids.get(normalize_name(a), ())}
            ends = walk_end_sets(topics, max_hops, cache, max_frontier, gold) if gold else {}
            fits = _best_fits(ends, gold, min_f1)
            if not fits:
                report.no_fitting_path += 1
                continue
            wording = asked.replace(MENTION, PLACEHOLDER)
            pairs_of[wording] += 1
            taught[wording].update(fits)
        if progress is not None:
            progress(min(at + _BATCH, len(pairs)), len(pairs))
    examples = []
    for wording, counts in taught.items():
        kept = _kept_paths(counts)
        if not kept:
            report.ambiguous += pairs_of[wording]
            continue
        report.learned += pairs_of[wording]
        examples += [
            RelationExample(
                wording,
                tuple(r for r, _ in hops),
                counts[hops],
                tuple(forward for _, forward in hops),
            )
            for hops in kept
        ]
    return sorted(examples, key=example_order), report


def _best_fits(ends: EndSets, gold: set[str], min_f1: float) -> list[Hops]:
    """The hop sequences (relations and directions) whose end entities match ``gold`` best,
    the shortest of those (several where the answers do not tell them apart: a film whose
    genre is also its tag); none when none reaches ``min_f1``."""
    fits = [(_f1(found, gold), hops) for hops, found in ends.items() if found & gold]
    best = max((f for f, _ in fits), default=0.0)
    if best < min_f1:
        return []
    tied = [key for f, key in fits if f == best]
    # A longer path with the same ends explains nothing more (director, films, director ends
    # at a film's one director too): the shortest of the best wins.
    shortest = min(len(key) for key in tied)
    return [key for key in tied if len(key) == shortest]


def _kept_paths(counts: Counter[Hops]) -> list[Hops]:
    """The paths a wording is learned for: the one most of its pairs fit best, and those
    nearly as many fit (a partial KB answers some pairs of "what words describe X" by the
    genre); none when two paths lead (the pairs do not tell them apart)."""
    ranked = counts.most_common()
    top = ranked[0][1]
    if len(ranked) > 1 and ranked[1][1] == top:
        return []
    return [key for key, n in ranked if n >= _KEPT_SHARE * top]


def _f1(found: set[str], gold: set[str]) -> float:
    common = len(found & gold)
    if not common:
        return 0.0
    precision, recall = common / len(found), common / len(gold)
    return 2 * precision * recall / (precision + recall)
