"""Recall@5 of retrieval variants on an existing store, against its dense baseline.

    python bench/retrieval_recall.py --store /tmp/house-bench/store --dataset 2wiki \
        --questions 200 --variant before:weight_bridge=0,bridge_seed_weight=0 --variant after:
    python bench/retrieval_recall.py --store DIR --backfill-sentences \
        --variant query-time:stored_sentence_vectors=0 --variant stored:

Nothing is ingested: the questions used are those of the data set whose gold passages are all
in the store (a store made by ``kgqa eval DATASET --store DIR`` or bench/retrieval_latency.py).
Each variant is the default RetrievalSettings with the given fields changed, opened in turn on
the same store and asked the same questions, so variants compare in one run (``kgqa eval``
gives the figures of record). Prints one JSON line per variant and one for the dense baseline,
with retrieval p50/p95, the mean of each retrieval stage and the load average before and after.
``--backfill-sentences`` first embeds the sentence vectors a store made before them lacks
(``kgqa.retrieval.sentence_vectors``; English space).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import DATA  # noqa: E402

from kgqa.api import KGQA  # noqa: E402
from kgqa.evaluation.datasets import Question, load_splits  # noqa: E402
from kgqa.settings import Settings  # noqa: E402
from kgqa.vectors.sentences import embed_store_sentences  # noqa: E402


def _store_keys(kg: KGQA, gold_by: str) -> set[str]:
    keys: set[str] = set()
    offset = 0
    while batch := kg.list_documents(offset, 1000):
        keys.update(d.id if gold_by == "doc_id" else d.title for d in batch)
        offset += len(batch)
    return keys


def _variant(spec: str) -> tuple[str, dict[str, float | bool]]:
    name, _, fields = spec.partition(":")
    changes = {}
    for item in filter(None, fields.split(",")):
        key, _, value = item.partition("=")
        changes[key.strip()] = _value(value)
    return name, changes


def _value(text: str) -> float | bool:
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return float(text)


def _recall(kg: KGQA, questions: list[Question], gold_by: str, dense_only: bool) -> dict:
    hits = {1: 0.0, 2: 0.0, 5: 0.0}
    ms = []
    stages: dict[str, list[float]] = {}
    load_before = os.getloadavg()[0]
    kg.retrieve("warm-up: where was Marie Curie born?", dense_only=dense_only)
    for q in questions:
        t0 = time.perf_counter()
        evidence = kg.retrieve(q.text, top_k=5, dense_only=dense_only)
        ms.append((time.perf_counter() - t0) * 1000)
        for stage, took in evidence.timings_ms.items():
            stages.setdefault(stage, []).append(took)
        found = [p.doc_id if gold_by == "doc_id" else p.title for p in evidence.passages]
        for k in hits:
            hits[k] += len(set(q.gold) & set(found[:k])) / len(q.gold)
    n = max(len(questions), 1)
    out: dict = {f"recall@{k}": round(100 * v / n, 2) for k, v in hits.items()}
    for q in (50, 95):
        out[f"latency_ms_p{q}"] = round(float(np.percentile(ms, q)), 1) if ms else 0.0
    out["stage_mean_ms"] = {k: round(float(np.mean(v)), 1) for k, v in stages.items()}
    out["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return out


def _backfill_sentences(kg: KGQA) -> int:
    """The sentence vectors of every chunk, in the English space (the bench corpora's)."""
    parts = kg._parts  # the bench reaches into the composition root on purpose
    space = parts.embedders.space("en")
    dim = int(space.query("dim").shape[-1])
    index = parts.vectors.sentences(space.name, dim)
    if index is None:
        return 0
    return embed_store_sentences(parts.store.iter_chunks(), index, space.queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--dataset", default="2wiki")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--variant", action="append", default=[], help="NAME:field=v,field=v")
    parser.add_argument("--backfill-sentences", action="store_true")
    args = parser.parse_args()
    [split] = load_splits(args.dataset, DATA, None, 0)
    base = Settings(data_dir=args.store)
    with KGQA.open(base) as kg:
        if args.backfill_sentences:
            t0 = time.perf_counter()
            added = _backfill_sentences(kg)
            took = round(time.perf_counter() - t0, 1)
            print(json.dumps({"backfilled_sentences": added, "seconds": took}), flush=True)
        keys = _store_keys(kg, split.gold_by)
        questions = [q for q in split.questions if q.gold and set(q.gold) <= keys]
        questions = questions[: args.questions]
        dense = _recall(kg, questions, split.gold_by, dense_only=True)
    common = {"dataset": args.dataset, "questions": len(questions)}
    print(json.dumps({"variant": "dense", **common, **dense}), flush=True)
    for spec in args.variant or ["default:"]:
        name, changes = _variant(spec)
        # Validated like a setting read from the environment (an int field gets an int).
        retrieval = type(base.retrieval).model_validate({**base.retrieval.model_dump(), **changes})
        with KGQA.open(base.model_copy(update={"retrieval": retrieval})) as kg:
            full = _recall(kg, questions, split.gold_by, dense_only=False)
        print(json.dumps({"variant": name, **changes, **common, **full}), flush=True)


if __name__ == "__main__":
    main()
