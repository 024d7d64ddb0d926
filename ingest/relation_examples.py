"""Learn relation examples from question-answer pairs over an imported knowledge base.

For each pair the topic entity is looked up by name and the relation paths from it are walked
(one hop, then up to ``max_hops`` when no one-hop path fits): the path whose end entities best
match the gold answers (F1 of the name sets, at least ``min_f1``, no tie) is what the question
asks for. The question, its topic's mention written ``[entity]``, becomes an example of that path
(``kgqa.retrieval.relation_examples``), counted. Distant supervision: no labels beyond the
answers.

Input files: one pair per line, either ``question with [topic]<TAB>answer|answer`` (MetaQA's
format) or a JSON object ``{"question": ..., "topic": ..., "answers": [...]}`` (``topic`` may be
left out when the question brackets it).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kgqa.errors import InputError
from kgqa.graph.base import GraphStore
from kgqa.names import normalize_name
from kgqa.retrieval.kb import Step, relation_paths, steps_by_entity
from kgqa.retrieval.path_alignment import MENTION
from kgqa.retrieval.relation_examples import PLACEHOLDER, Key, RelationExample, mark_mention

_BATCH = 500


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
    max_hops: int = 2,
    fanout: int = 1000,
    min_f1: float = 0.5,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[RelationExample], LearnReport]:
    """Examples learned from ``pairs``, one per (wording, path) with the count of pairs."""
    report = LearnReport(pairs=len(pairs))
    learned: Counter[tuple[str, Key]] = Counter()
    for at in range(0, len(pairs), _BATCH):
        batch = pairs[at : at + _BATCH]
        found = store.find_entities(sorted({normalize_name(p.topic) for p in batch}))
        ids = sorted({e.id for entities in found.values() for e in entities})
        one_hop = steps_by_entity(store.relations_of(ids, fanout)) if ids else {}
        for pair in batch:
            topics = [e.id for e in found.get(normalize_name(pair.topic), [])]
            asked = mark_mention(pair.question, [pair.topic])
            if not topics or asked is None:
                report.topic_not_found += 1
                continue
            gold = {normalize_name(a) for a in pair.answers}
            key = _best_fit([[step] for t in topics for step in one_hop.get(t, [])], gold, min_f1)
            if key is None and max_hops > 1:  # the longer paths of the topic, walked anew
                longer = [
                    path
                    for t in topics
                    for path in relation_paths(store, t, max_hops, fanout, max_paths=100_000)
                    if len(path) > 1
                ]
                key = _best_fit(longer, gold, min_f1)
            if key is None:
                report.no_fitting_path += 1
            elif key == ():
                report.ambiguous += 1
            else:
                report.learned += 1
                learned[(asked.replace(MENTION, PLACEHOLDER), key)] += 1
        if progress is not None:
            progress(min(at + _BATCH, len(pairs)), len(pairs))
    examples = [RelationExample(q, key, n) for (q, key), n in learned.items()]
    return sorted(examples, key=lambda e: (e.relations, e.question)), report


def _best_fit(paths: Iterable[Sequence[Step]], gold: set[str], min_f1: float) -> Key | None:
    """The relation sequence whose end entities match ``gold`` best: None when none reaches
    ``min_f1``, ``()`` when several tie (the question does not tell them apart)."""
    ends: dict[Key, set[str]] = defaultdict(set)
    for path in paths:
        ends[tuple(s.fact.predicate for s in path)].add(normalize_name(path[-1].target_name))
    fits = sorted(((_f1(found, gold), key) for key, found in ends.items()), reverse=True)
    if not fits or fits[0][0] < min_f1:
        return None
    return () if len(fits) > 1 and fits[1][0] == fits[0][0] else fits[0][1]


def _f1(found: set[str], gold: set[str]) -> float:
    common = len(found & gold)
    if not common:
        return 0.0
    precision, recall = common / len(found), common / len(gold)
    return 2 * precision * recall / (precision + recall)
