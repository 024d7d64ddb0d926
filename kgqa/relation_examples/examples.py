"""Relation examples: questions known to ask for a relation path.

A knowledge base's relation names rarely say how people ask for them: ``has_tags`` is asked as
"what words describe X" or "which topics is X about", and no embedding puts "words" near "tags".
Examples do. They are learned from question-answer pairs (``kgqa.relation_examples.learn``: the path
from the question's topic to its answers) or written by hand, one JSON object per line in
``<data_dir>/relation_examples.jsonl``, the topic's mention written ``[entity]``:

    {"question": "what words describe [entity]", "relations": ["has_tags"], "count": 80}
    {"question": "which films are about [entity]", "relations": ["has_tags"], "forward": [false]}

``count`` (default 1) is how many pairs taught it; ``forward`` (optional) says, per relation,
whether its hop goes from the KB's subject to its object, as the pairs walked it (without it the
example fits the relations walked either way). One wording may be learned for several paths
(a partial KB lacks a film's tags but its genre equals the gold tag), so an example weighs as
its share of its wording's count. The KB answerer mixes into a path's score the best weighted
cosine of its examples with the question (both with the mention removed: ``match``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kgqa.atomic_file import write_atomically
from kgqa.errors import InputError

PLACEHOLDER = "[entity]"
# Marks where the entity mention was in a question whose mention has been removed.
MENTION = "\x00"

Key = tuple[str, ...]
# Per hop, whether it is walked as the KB states the relation (subject to object).
Forward = tuple[bool, ...]
# A path as examples name it: its relations and, where learned, each hop's direction (None:
# either way, as a hand-written example leaves it).
PathKey = tuple[Key, Forward | None]


@dataclass(slots=True, frozen=True)
class RelationExample:
    question: str  # lower case, the topic's mention written PLACEHOLDER
    relations: Key
    count: int = 1  # how many question-answer pairs taught it
    # Each hop's direction where learned: a title that is also a tag (MetaQA's "The Class")
    # has tags walked forward and films tagged with it walked back, one relation both ways.
    forward: Forward | None = None

    @property
    def path(self) -> PathKey:
        return self.relations, self.forward

    def as_json(self) -> str:
        row: dict[str, object] = {"question": self.question, "relations": list(self.relations)}
        if self.forward is not None:
            row["forward"] = list(self.forward)
        row["count"] = self.count
        return json.dumps(row, ensure_ascii=False)


def mark_mention(question: str, names: Iterable[str]) -> str | None:
    """The question in lower case with the first (longest) of ``names`` found in it replaced
    by ``MENTION``; None when none occurs."""
    text = question.lower().replace("_", " ")
    for name in sorted({n.lower().replace("_", " ") for n in names if n}, key=len, reverse=True):
        if name in text:
            return " ".join(text.replace(name, f" {MENTION} ", 1).split())
    return None


def unmarked(asked: str) -> str:
    """The question with its mention marker (``MENTION`` or ``PLACEHOLDER``) removed."""
    return " ".join(asked.replace(MENTION, " ").replace(PLACEHOLDER, " ").split())


def read_examples(path: Path) -> list[RelationExample]:
    """The examples in ``path`` (none when it does not exist). A bad line is an InputError
    naming the file and line."""
    if not path.exists():
        return []
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                question, relations = row["question"], row["relations"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise InputError(
                    f"{path}:{number}: expected a JSON object with 'question' and 'relations'"
                ) from e
            if not isinstance(question, str) or not question.strip():
                raise InputError(f"{path}:{number}: 'question' must be a non-empty string")
            if (
                not isinstance(relations, list)
                or not relations
                or not all(isinstance(r, str) and r for r in relations)
            ):
                raise InputError(f"{path}:{number}: 'relations' must be a list of relation names")
            count = row.get("count", 1)
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                raise InputError(f"{path}:{number}: 'count' must be a positive integer")
            forward = row.get("forward")
            if forward is not None and (
                not isinstance(forward, list)
                or len(forward) != len(relations)
                or not all(isinstance(f, bool) for f in forward)
            ):
                raise InputError(
                    f"{path}:{number}: 'forward' must be one true or false per relation"
                )
            examples.append(
                RelationExample(
                    question.strip().lower(),
                    tuple(relations),
                    count,
                    tuple(forward) if forward is not None else None,
                )
            )
    return examples


def write_examples(path: Path, examples: Sequence[RelationExample]) -> None:
    """Write ``examples`` (sorted) to ``path`` atomically: a crash leaves the old file whole."""
    ordered = sorted(examples, key=example_order)
    write_atomically(path, "".join(e.as_json() + "\n" for e in ordered).encode("utf-8"))


def path_order(path: PathKey) -> tuple[Key, bool, Forward]:
    """A sort key for paths: by relations, a path of either direction before learned ones."""
    relations, forward = path
    return relations, forward is not None, forward or ()


def example_order(example: RelationExample) -> tuple[tuple[Key, bool, Forward], str]:
    """The order examples are written and learned in: by path, then wording."""
    return path_order(example.path), example.question
