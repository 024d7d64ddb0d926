"""Reader throughput per backend, with the default model (SmolLM2-135M-Instruct GGUF).

    python bench/reader_throughput.py                      # llama.cpp and transformers (CPU here)
    python bench/reader_throughput.py --backends llamacpp

For each backend: generated tokens/s of one request at a time, and for transformers the
aggregate tokens/s of 8 concurrent requests (batched by the reader's worker) against single,
in the same run. Targets: llama.cpp >= 100 tok/s; torch batched at 8 >= 3x single.
Also the end-to-end latency of POST /v1/ask on the sample corpus (in-process client).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kgqa.reader.base import Reader
from kgqa.reader.factory import default_model_path
from kgqa.reader.prompt import PromptEvidence, build_prompt

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Where was Marie Curie born?",
    "Who was the husband of Marie Curie?",
    "What did Marie Curie discover?",
    "When did Pierre Curie die?",
    "What is the capital of France?",
    "Which prize did Irène Joliot-Curie win?",
    "Where is Warsaw?",
    "When was the Nobel Prize first awarded?",
]
EVIDENCE = [
    PromptEvidence(1, "Marie Curie", "Marie Curie was born in Warsaw on 7 November 1867."),
    PromptEvidence(2, "Pierre Curie", "Pierre Curie married Marie Curie in 1895 in Paris."),
]
MAX_NEW = 64


def prompts() -> list:
    return [build_prompt(q, EVIDENCE) for q in QUESTIONS]


def count_tokens(texts: list[str]) -> int:
    from transformers import AutoTokenizer

    from kgqa.reader.factory import default_model_path

    path = default_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    return sum(len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts)


def single(reader: Reader) -> tuple[float, list[str]]:
    texts = []
    started = time.perf_counter()
    for p in prompts():
        texts.extend(reader.generate([p], MAX_NEW))
    return time.perf_counter() - started, texts


def concurrent(reader: Reader) -> tuple[float, list[str]]:
    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        texts = list(pool.map(lambda p: reader.generate([p], MAX_NEW)[0], prompts()))
    return time.perf_counter() - started, texts


def ask_latency() -> dict[str, float]:
    from fastapi.testclient import TestClient

    from kgqa.api import KGQA
    from kgqa.service.app import create_app
    from kgqa.settings import Settings

    data = Path(tempfile.mkdtemp(prefix="kgqa-bench-ask-"))
    with KGQA.open(Settings(data_dir=data)) as kg:
        kg.ingest([REPO / "samples" / "docs"])
        kg.ingest_triples([REPO / "samples" / "kb.tsv"])
    app = create_app(Settings(data_dir=data))
    times = []
    with TestClient(app) as client:
        client.post("/v1/ask", json={"question": "warm up: who was Marie Curie?"})
        for q in QUESTIONS:
            started = time.perf_counter()
            response = client.post("/v1/ask", json={"question": q})
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return {"ask_p50_ms": round(statistics.median(times)), "ask_max_ms": round(max(times))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["llamacpp", "transformers"])
    args = parser.parse_args()
    results: dict[str, object] = {"bench": "reader", "model": default_model_path().name}
    for backend in args.backends:
        if backend == "llamacpp":
            from kgqa.reader.llamacpp import LlamaCppReader

            reader: Reader = LlamaCppReader(default_model_path(), n_ctx=2048)
        else:
            from kgqa.reader.transformers import TransformersReader

            cache = Path(tempfile.gettempdir()) / "kgqa-bench-models"
            reader = TransformersReader(default_model_path(), cache_dir=cache, batch_wait_ms=20)
        reader.warm_up()
        reader.generate(prompts()[:1], 8)  # warm-up
        seconds, texts = single(reader)
        tokens = count_tokens(texts)
        entry = {"single_tok_per_s": round(tokens / seconds, 1), "tokens": tokens}
        if backend == "transformers":
            c_seconds, c_texts = concurrent(reader)
            c_tokens = count_tokens(c_texts)
            entry["concurrent8_tok_per_s"] = round(c_tokens / c_seconds, 1)
            entry["batched_speedup"] = round((c_tokens / c_seconds) / (tokens / seconds), 2)
        reader.close()
        results[backend] = entry
    results.update(ask_latency())
    results["targets"] = {"llamacpp_tok_per_s": 100, "batched_speedup": 3.0}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
