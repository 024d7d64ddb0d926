"""Entity-linking precision and recall on 2Wiki questions against an existing store.

    python bench/linking_quality.py --store /tmp/house-bench/store --questions 100

The store is opened as it is (nothing is ingested; build one with bench/retrieval_latency.py
--passages N). Only questions whose gold passages (evidence subjects that are corpus titles) are
all in the store are used. For each question, precision counts the linked entities
(``KGQA.retrieve(q).linked``) whose name is an evidence subject or object; recall counts the
evidence subjects that some linked entity names (names compared normalised). Prints one JSON
line: micro precision and recall, and linked entities per question.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import DATA, require  # noqa: E402

from kgqa.api import KGQA  # noqa: E402
from kgqa.names import normalize_name  # noqa: E402
from kgqa.settings import Settings  # noqa: E402


def _store_titles(kg: KGQA) -> set[str]:
    titles: set[str] = set()
    offset = 0
    while batch := kg.list_documents(offset, 1000):
        titles.update(d.title for d in batch)
        offset += len(batch)
    return titles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/house-bench/store"))
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--show", type=int, default=0, help="print N wrong links to stderr")
    args = parser.parse_args()

    questions = json.loads(require(DATA / "2wiki" / "questions.json").read_text())
    corpus_titles = {
        p["title"] for p in json.loads(require(DATA / "2wiki" / "corpus.json").read_text())
    }
    linked_total = correct = gold_total = gold_found = used = 0
    wrong: list[str] = []
    with KGQA.open(Settings(data_dir=args.store)) as kg:
        titles = _store_titles(kg)
        for q in questions:
            if used >= args.questions:
                break
            gold = {s for s, _, _ in q["evidence"] if s in corpus_titles}
            if not gold or not gold <= titles:
                continue
            used += 1
            subjects = {normalize_name(s) for s, _, _ in q["evidence"]}
            mentioned = subjects | {normalize_name(o) for _, _, o in q["evidence"]}
            names = [le.entity.name for le in kg.retrieve(q["question"]).linked]
            keys = {normalize_name(n) for n in names}
            linked_total += len(names)
            right = [n for n in names if normalize_name(n) in mentioned]
            correct += len(right)
            wrong += [f"{n!r} <- {q['question']}" for n in names if n not in right]
            gold_total += len(subjects)
            gold_found += len(subjects & keys)
    for line in wrong[: args.show]:
        print(line, file=sys.stderr)
    print(
        json.dumps(
            {
                "bench": "linking",
                "store": str(args.store),
                "questions": used,
                "precision": round(100 * correct / max(linked_total, 1), 2),
                "recall": round(100 * gold_found / max(gold_total, 1), 2),
                "linked_per_question": round(linked_total / max(used, 1), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
