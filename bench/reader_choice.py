"""Reader choice, measured: the same questions, the same retrieved evidence, every reader model.

Retrieves the evidence of each question once (full system, top 5), then answers all of them with
each named reader model (``kgqa.reader.models``) and with the extractive reader, and prints one
JSON line per reader: EM and F1 of the short answer, abstentions, and the answer stage's p50/p95
latency (prompt, reader, short answer, check). Run with ``nice`` on a shared machine.

    python bench/reader_choice.py --dataset hotpotqa-dev --store /tmp/kgqa-hotpot
    python bench/reader_choice.py --dataset 2wiki --sample 100 \
        --models smollm2-135m,qwen2.5-coder-0.5b
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kgqa.answering import Answerer  # noqa: E402
from kgqa.api import KGQA  # noqa: E402
from kgqa.evaluation.datasets import load_splits  # noqa: E402
from kgqa.evaluation.metrics import contains_answer, exact_match, f1  # noqa: E402
from kgqa.reader.extractive import ExtractiveReader  # noqa: E402
from kgqa.reader.llamacpp import LlamaCppReader  # noqa: E402
from kgqa.reader.models import MODELS, model_file  # noqa: E402
from kgqa.settings import Settings  # noqa: E402
from kgqa.wiring import LOOKUP_TOP_K  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", default="hotpotqa-dev")
    p.add_argument("--sample", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data")
    p.add_argument("--store", type=Path, required=True, help="kept store (reused when present)")
    p.add_argument("--models", default=",".join(MODELS), help="comma-separated model names")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--extractive", action="store_true", help="also the extractive reader")
    p.add_argument("--limit", type=int, help="answer only the first N questions of the sample")
    p.add_argument("--offset", type=int, default=0, help="skip the first N questions")
    p.add_argument(
        "--no-ingest",
        action="store_true",
        help="answer against the store as it is (a partly ingested one: say so beside the figures)",
    )
    p.add_argument(
        "--no-lookup",
        action="store_true",
        help="answer without looking up a chain question's missing pages (as before 2026-12-02)",
    )
    p.add_argument("--dump", type=Path, help="write each answer here (JSONL, one per reader)")
    p.add_argument(
        "--evidence-cache",
        type=Path,
        help="pickle of the retrieved evidence: read when present, else written (the answer "
        "stage then runs again without retrieving; delete it when the store or retrieval changes)",
    )
    args = p.parse_args()

    [split] = load_splits(args.dataset, args.data_dir, args.sample, args.seed)
    settings = Settings(data_dir=args.store / split.name, reader={"backend": "extractive"})
    with KGQA.open(settings) as kg:
        if not args.no_ingest:
            kg.ingest_documents(split.documents)
        if args.limit is not None or args.offset:
            end = None if args.limit is None else args.offset + args.limit
            split.questions = split.questions[args.offset : end]
        evidence = _evidence(kg, split.questions, args.evidence_cache)
        contained = [
            contains_answer([p.text for p in e.passages], q.answers)
            for e, q in zip(evidence, split.questions, strict=True)
        ]
        readers: list[tuple[str, object]] = []
        if args.extractive:
            readers.append(("extractive", ExtractiveReader()))
        for name in [m for m in args.models.split(",") if m]:
            path = model_file(name, settings.data_dir)
            readers.append((name, LlamaCppReader(path, n_ctx=2560, n_threads=args.threads)))
        for name, reader in readers:
            reader.warm_up()  # type: ignore[attr-defined]
            lookup = None if args.no_lookup else _lookup(kg)
            answerer = Answerer(
                reader,  # type: ignore[arg-type]
                128,
                settings.reader.context_tokens * 4,
                lookup=lookup,
            )
            ems, f1s, abstained, in_ev_abstained, times = [], [], [], [], []
            cpu_times: list[float] = []
            dump = None
            if args.dump is not None:
                # Written as it goes: a run stopped half way still shows its answers.
                args.dump.mkdir(parents=True, exist_ok=True)
                dump = (args.dump / f"{split.name}-{name}.jsonl").open("w", encoding="utf-8")
            for q, e, inside in zip(split.questions, evidence, contained, strict=True):
                started, cpu = time.perf_counter(), time.process_time()
                answer = answerer.answer(e)
                times.append((time.perf_counter() - started) * 1000)
                # CPU seconds tell the cost apart from the wait on a loaded machine.
                cpu_times.append((time.process_time() - cpu) * 1000)
                ems.append(exact_match(answer.short, q.answers))
                f1s.append(f1(answer.short, q.answers))
                abstained.append(answer.abstained)
                if inside:
                    in_ev_abstained.append(answer.abstained)
                row = {
                    "q": q.text,
                    "kind": q.kind,
                    "gold": q.answers,
                    "short": answer.short,
                    "text": answer.text,
                    "in_evidence": inside,
                    "f1": f1s[-1],
                    "ms": round(times[-1], 1),
                    "cpu_ms": round(cpu_times[-1], 1),
                }
                if dump is not None:
                    dump.write(json.dumps(row) + "\n")
                    dump.flush()
            if dump is not None:
                dump.close()
            reader.close()  # type: ignore[attr-defined]
            n = len(split.questions)
            print(
                json.dumps(
                    {
                        "bench": "reader_choice",
                        "dataset": split.name,
                        "questions": n,
                        "reader": name,
                        "em": round(100 * sum(ems) / n, 1),
                        "f1": round(100 * sum(f1s) / n, 1),
                        "abstained": round(100 * sum(abstained) / n, 1),
                        "abstained_when_in_evidence": round(
                            100 * sum(in_ev_abstained) / max(1, len(in_ev_abstained)), 1
                        ),
                        "answer_in_evidence": round(100 * sum(contained) / n, 1),
                        "answer_ms_p50": round(float(np.percentile(times, 50)), 1),
                        "answer_ms_p95": round(float(np.percentile(times, 95)), 1),
                        "answer_cpu_ms_p50": round(float(np.percentile(cpu_times, 50)), 1),
                        "threads": args.threads,
                        "load_avg_1m": round(os.getloadavg()[0], 1),
                    }
                ),
                flush=True,
            )
    return 0


def _lookup(kg: KGQA):  # noqa: ANN202
    """The look-up the composition root gives the answer stage (kgqa.wiring)."""
    return lambda name: kg.retrieve(name, top_k=LOOKUP_TOP_K).passages


def _evidence(kg: KGQA, questions: list, cache: Path | None) -> list:
    if cache is not None and cache.is_file():
        with cache.open("rb") as f:
            found = pickle.load(f)
        by_question = {e.question: e for e in found}  # the same run, a longer one, a part
        if all(q.text in by_question for q in questions):
            return [by_question[q.text] for q in questions]
    found = [kg.retrieve(q.text, top_k=5) for q in questions]
    if cache is not None:
        with cache.open("wb") as f:
            pickle.dump(found, f)
    return found


if __name__ == "__main__":
    sys.exit(main())
