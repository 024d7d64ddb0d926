"""KB answers on samples of several KB data sets in one process: Hits@1, F1 over the answer set
and the KB stage's latency per split, each split as ``kgqa eval`` scores it (same splits, same
relation-example learning), without the dense baseline.

    python bench/kb_samples.py --stores /tmp/kb-stores pathquestion:PQ-2H:200 metaqa-2hop::300

A spec is ``dataset:file:sample`` (``file`` empty but for PathQuestion). Stores are kept under
``--stores`` (one per KB, imported once); relation examples are learned afresh for every split
that has training questions. Prints one JSON line per split (and one per learning run) with the
load average beside the latency; ``--misses DIR`` writes each split's misses as JSON lines.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np

from kgqa.api import KGQA
from kgqa.evaluation.datasets import METAQA_HELD_OUT, Split, load_splits
from kgqa.evaluation.metrics import kb_name, set_f1
from kgqa.relation_examples.learn import QaPair
from kgqa.settings import Settings

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def _learn(kg: KGQA, split: Split) -> dict | None:
    started, cpu = time.perf_counter(), time.process_time()
    if split.train_file is not None:
        report = kg.learn_relations(split.train_file)
    elif split.train_questions:
        questions = [q for q in split.train_questions if q.topic]
        pairs = [QaPair(q.text, q.topic, tuple(q.answers)) for q in questions]
        report = kg.learn_relations(pairs, max_hops=split.reach_hops)
    else:
        return None
    return {
        "learned_for": split.name,
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        **report.as_dict(),
    }


def _score(kg: KGQA, split: Split, misses: Path | None) -> dict:
    hits = f1 = 0.0
    kb_ms: list[float] = []
    missed = []
    for q in split.questions:
        golds = {kb_name(a) for a in q.answers}
        evidence = kg.retrieve(q.text, top_k=5)
        kb_ms.append(evidence.timings_ms.get("kb", 0.0))
        answers = evidence.kb_answers
        top = kb_name(answers[0].name) if answers else ""
        hit = bool(top) and top in golds
        hits += hit
        answer_set = {kb_name(a.name) for a in answers if a.in_best_set}
        answer_set = answer_set or ({top} if top else set())
        f1 += set_f1(answer_set, golds)
        if not hit:
            missed.append(
                {
                    "question": q.text,
                    "gold": sorted(golds)[:5],
                    "answers": [(a.name, a.score, a.relations, a.in_best_set) for a in answers[:6]],
                }
            )
    if misses is not None:
        misses.mkdir(parents=True, exist_ok=True)
        lines = "\n".join(json.dumps(m) for m in missed)
        (misses / f"{split.name}.jsonl").write_text(lines, encoding="utf-8")
    n = len(split.questions)
    return {
        "split": split.name,
        "questions": n,
        "hits@1": round(100 * hits / n, 1),
        "f1": round(100 * f1 / n, 1),
        "kb_latency_ms_p50": round(float(np.percentile(kb_ms, 50)), 1),
        "kb_latency_ms_p95": round(float(np.percentile(kb_ms, 95)), 1),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _held_out(split: Split, sample: int, seed: int) -> Split:
    """A split without training data as MetaQA dev is used: every ``METAQA_HELD_OUT``-th
    question scored (``sample`` of those), the others learned from (up to 3 hops)."""
    import random

    held = [q for i, q in enumerate(split.questions) if i % METAQA_HELD_OUT == 0]
    train = [q for i, q in enumerate(split.questions) if i % METAQA_HELD_OUT != 0]
    scored = random.Random(seed).sample(held, min(sample, len(held)))
    return dataclasses.replace(split, questions=scored, train_questions=train, reach_hops=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="+", help="dataset:file:sample, e.g. pathquestion:PQ-2H:200")
    parser.add_argument("--stores", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--misses", type=Path)
    parser.add_argument(
        "--learn-held-out",
        action="store_true",
        help="splits without training data: score every 5th question, learn from the rest",
    )
    args = parser.parse_args()
    for spec in args.specs:
        dataset, file, sample = spec.split(":")
        files = [file] if file else None
        split = load_splits(dataset, args.data, int(sample), args.seed, files)[0]
        if args.learn_held_out and split.train_file is None and not split.train_questions:
            whole = load_splits(dataset, args.data, None, args.seed, files)[0]
            split = _held_out(whole, int(sample), args.seed)
        work = args.stores / (split.store_name or split.name)
        settings = Settings(data_dir=work)
        with KGQA.open(settings) as kg:
            marker = work / ".imported"
            if not marker.exists():
                kg.ingest_triples(split.kb_files)
                marker.touch()
            settings.relation_examples_path.unlink(missing_ok=True)
            learned = _learn(kg, split)
            if learned is not None:
                print(json.dumps(learned), flush=True)
            print(json.dumps(_score(kg, split, args.misses)), flush=True)


if __name__ == "__main__":
    main()
