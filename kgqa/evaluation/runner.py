"""Run a data set through the full system and the dense-only baseline, in the same run.

For document data sets (2wiki, cmrc2018) the baseline is ``retrieve(dense_only=True)``: the same
embedder, the same chunks, FAISS only. For KB data sets (pathquestion, metaqa-1hop), which have
no text, the baseline embeds each triple as the sentence "subject relation object" with the same
embedder, takes the nearest triple and answers with its end that the question does not name.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.api import KGQA
from kgqa.embedding.base import Embedder
from kgqa.embedding.factory import Embedders
from kgqa.evaluation.datasets import Question, Split, load_splits
from kgqa.evaluation.metrics import contains_answer, exact_match, f1, kb_name, pct, set_f1
from kgqa.reader.citations import MARKER
from kgqa.settings import Settings
from kgqa.wiring import build_components

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class Tally:
    """Sums behind one system's metrics on one split."""

    counts: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    by_kind: defaultdict[str, defaultdict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )

    def add(self, kind: str, **values: float) -> None:
        for key, value in values.items():
            self.counts[key] += value
            self.by_kind[kind][key] += value


def evaluate(
    dataset: str,
    data_dir: Path,
    sample: int | None = None,
    seed: int = 0,
    settings: Settings | None = None,
    store_dir: Path | None = None,
    answers: bool = True,
    files: list[str] | None = None,
    progress: Progress | None = None,
    learn: bool = True,
) -> dict[str, Any]:
    """The report: per split, ``full`` and ``dense`` metrics (percentages) with their counts.
    With ``learn``, a split with a training file (MetaQA's dev questions) first learns relation
    examples from it; without, the full system answers from relation names alone."""
    started = time.perf_counter()
    splits = load_splits(dataset, data_dir, sample, seed, files)
    report: dict[str, Any] = {
        "dataset": dataset,
        "sample": sample,
        "seed": seed,
        "splits": {},
    }
    # One set of models for every split and for the KB baseline (models load once).
    embedders = Embedders((settings or Settings()).models)
    for split in splits:
        with ExitStack() as stack:
            if store_dir:
                work = store_dir / (split.store_name or split.name)
            else:  # a throwaway store, removed when the split is done
                work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kgqa-eval-")))
            base = settings or Settings()
            run_settings = base.model_copy(update={"data_dir": work})
            kg = stack.enter_context(KGQA(build_components(run_settings, embedders)))
            ingest_started = time.perf_counter()
            if split.documents:
                kg.ingest_documents(split.documents)
            if split.kb_files:
                kg.ingest_triples(split.kb_files)
            ingest_s = time.perf_counter() - ingest_started
            # Examples from an earlier run of a kept store must not count in this one.
            run_settings.relation_examples_path.unlink(missing_ok=True)
            learned: dict[str, Any] | None = None
            if learn and split.train_file is not None:
                counts = kg.learn_relations(split.train_file).as_dict()
                learned = {**counts, "file": split.train_file.name}
            elif learn and split.train_questions:
                learned = _learn_from_questions(kg, split)
            if split.kb_files:
                cache = work if store_dir else None
                english = embedders.for_language("en")
                result = _evaluate_kb(kg, split, english, progress, cache, sample is not None)
            else:
                result = _evaluate_documents(kg, split, answers, progress)
            result["ingest_s"] = round(ingest_s, 1)
            if learned is not None:
                result["relation_examples"] = learned
            result["store"] = kg.stats()
        report["splits"][split.name] = result
    report["seconds"] = round(time.perf_counter() - started, 1)
    if len(report["splits"]) == 1:
        only = next(iter(report["splits"].values()))
        report["full"], report["dense"] = only["full"], only["dense"]
    return report


# -- documents ----------------------------------------------------------------------------------
def _evaluate_documents(
    kg: KGQA, split: Split, answers: bool, progress: Progress | None
) -> dict[str, Any]:
    by_doc_id = split.gold_by == "doc_id"  # the loader says what its gold names
    tallies = {"full": Tally(), "dense": Tally()}
    latencies: dict[str, list[float]] = {"full": [], "dense": []}
    answer_ms: dict[str, list[float]] = {"full": [], "dense": []}
    misses: Counter[str] = Counter()
    for i, q in enumerate(split.questions):
        for system in ("full", "dense"):
            t0 = time.perf_counter()
            evidence = kg.retrieve(q.text, top_k=5, dense_only=system == "dense")
            latencies[system].append((time.perf_counter() - t0) * 1000)
            found = [p.doc_id if by_doc_id else p.title for p in evidence.passages]
            contained = contains_answer([p.text for p in evidence.passages], q.answers)
            values: dict[str, float] = {"questions": 1, "contained": float(contained)}
            if q.gold:
                gold = set(q.gold)
                values["with_gold"] = 1
                for k in (1, 2, 5):
                    values[f"hits_gold@{k}"] = len(gold & set(found[:k])) / len(gold)
            if answers:
                t1 = time.perf_counter()
                answer = kg.answer(evidence)
                answer_ms[system].append((time.perf_counter() - t1) * 1000)
                values.update(_answer_values(answer, q.answers, contained))
            tallies[system].add(q.kind or "all", **values)
            if system == "full" and q.gold and not set(q.gold) <= set(found[:5]):
                misses[_miss_reason(kg, evidence, q)] += 1
        if progress:
            progress(split.name, i + 1, len(split.questions))
    result = {s: _document_metrics(t, answers) for s, t in tallies.items()}
    for system, millis in latencies.items():
        result[system]["latency_ms_p50"] = round(float(np.percentile(millis, 50)), 1)
        result[system]["latency_ms_p95"] = round(float(np.percentile(millis, 95)), 1)
        if answer_ms[system]:
            result[system]["answer_ms_p50"] = round(float(np.percentile(answer_ms[system], 50)), 1)
            result[system]["answer_ms_p95"] = round(float(np.percentile(answer_ms[system], 95)), 1)
    result["breakdown"] = {
        "recall@5_by_type": {
            kind: {
                s: pct(tallies[s].by_kind[kind]["hits_gold@5"], int(c["with_gold"]))
                for s in tallies
            }
            for kind, c in tallies["full"].by_kind.items()
            if c["with_gold"]
        },
        "full_misses_at_5": dict(misses),
    }
    return result


def _document_metrics(tally: Tally, answers: bool) -> dict[str, Any]:
    c = tally.counts
    n, with_gold = int(c["questions"]), int(c["with_gold"])
    out: dict[str, Any] = {
        "questions": n,
        "questions_with_gold": with_gold,
        "recall@1": pct(c["hits_gold@1"], with_gold),
        "recall@2": pct(c["hits_gold@2"], with_gold),
        "recall@5": pct(c["hits_gold@5"], with_gold),
        "answer_in_evidence": pct(c["contained"], n),
    }
    if answers:
        out.update(em=pct(c["em"], n), f1=pct(c["f1"], n), abstained=pct(c["abstained"], n))
        contained = int(c["contained"])
        # Abstaining where the answer was there to be read: the answer stage's own failure.
        out["abstained_when_in_evidence"] = pct(c["abstained_in_evidence"], contained)
        out["f1_when_in_evidence"] = pct(c["f1_in_evidence"], contained)
    return out


def _answer_values(answer: Any, golds: list[str], contained: bool) -> dict[str, float]:
    """Scores of the short answer (the explanation's first sentence for answers without one)."""
    text = answer.short or ("" if answer.abstained else _strip_markers(answer.text))
    score = f1(text, golds)
    return {
        "em": exact_match(text, golds),
        "f1": score,
        "abstained": float(answer.abstained),
        "abstained_in_evidence": float(answer.abstained and contained),
        "f1_in_evidence": score if contained else 0.0,
    }


def _miss_reason(kg: KGQA, evidence: Any, q: Question) -> str:
    """Why the full system missed a gold passage at 5: a first-cut diagnosis."""
    if not evidence.linked:
        return "no entity linked"
    linked = {kb_name(le.entity.name) for le in evidence.linked}
    if not any(kb_name(t) in linked for t in q.gold):
        return "gold entity not linked (bridge or linking miss)"
    return "linked but ranked below 5"


def _strip_markers(text: str) -> str:
    return " ".join(MARKER.sub(" ", text).split())


def _learn_from_questions(kg: KGQA, split: Split) -> dict[str, Any]:
    """Relation examples from the split's unscored questions, with what learning cost."""
    from kgqa.relation_examples.learn import QaPair

    pairs = [QaPair(q.text, q.topic, tuple(q.answers)) for q in split.train_questions if q.topic]
    started, cpu = time.perf_counter(), time.process_time()
    learned: dict[str, Any] = kg.learn_relations(pairs, max_hops=split.reach_hops).as_dict()
    learned["seconds"] = round(time.perf_counter() - started, 1)
    # Of this process alone (the wall time depends on what else the machine runs).
    learned["cpu_seconds"] = round(time.process_time() - cpu, 1)
    learned["file"] = f"{split.name} dev, the {len(pairs)} questions not scored"
    return learned


# -- knowledge bases ----------------------------------------------------------------------------
def _evaluate_kb(
    kg: KGQA,
    split: Split,
    embedder: Embedder,
    progress: Progress | None,
    cache_dir: Path | None = None,
    sampled: bool = False,
) -> dict[str, Any]:
    """With ``sampled``, the dense baseline indexes only the triples touching the sampled
    questions' topics (embedding MetaQA's 129k triples takes longer than a sample's run on a
    loaded CPU); that can only help it, since it answers from one triple. ``embedder``: the
    system's English model, which the baseline embeds its triples with."""
    topics = {kb_name(q.topic) for q in split.questions if q.topic} if sampled else None
    dense = _TripleIndex(embedder, split.kb_files, cache_dir, topics or None)
    tallies = {"full": Tally(), "dense": Tally()}
    reachable = 0
    reasons: Counter[str] = Counter()
    kb_ms: list[float] = []
    for i, q in enumerate(split.questions):
        golds = {kb_name(a) for a in q.answers}
        evidence = kg.retrieve(q.text, top_k=5)
        kb_ms.append(evidence.timings_ms.get("kb", 0.0))
        predicted = evidence.kb_answers[0].name if evidence.kb_answers else ""
        hit = float(kb_name(predicted) in golds) if predicted else 0.0
        answer_set = {kb_name(a.name) for a in evidence.kb_answers if a.in_best_set}
        answer_set = answer_set or ({kb_name(predicted)} if predicted else set())
        tallies["full"].add(q.kind or "all", questions=1, hits=hit, f1=set_f1(answer_set, golds))
        if not hit:
            reasons[_kb_miss_reason(evidence, q, golds)] += 1
        dense_answer = kb_name(dense.answer(q.text))
        tallies["dense"].add(
            q.kind or "all",
            questions=1,
            hits=float(dense_answer in golds),
            f1=set_f1({dense_answer}, golds),
        )
        if split.reach_hops and dense.reachable(q.topic, golds, split.reach_hops):
            reachable += 1
        if progress:
            progress(split.name, i + 1, len(split.questions))
    n = len(split.questions)
    result: dict[str, Any] = {
        system: {
            "questions": n,
            "hits": int(t.counts["hits"]),
            "hits@1": pct(t.counts["hits"], n),
            "f1": pct(t.counts["f1"], n),
        }
        for system, t in tallies.items()
    }
    result["dense"]["triples_indexed"] = dense.indexed
    result["full"]["kb_latency_ms_p50"] = round(float(np.percentile(kb_ms, 50)), 1) if n else 0.0
    result["full"]["kb_latency_ms_p95"] = round(float(np.percentile(kb_ms, 95)), 1) if n else 0.0
    if split.reach_hops:
        ceiling = pct(reachable, n)
        result["reachable_ceiling"] = ceiling
        result["full"]["share_of_ceiling"] = (
            round(100 * result["full"]["hits@1"] / ceiling, 2) if ceiling else 0.0
        )
    result["breakdown"] = {
        "hits@1_by_type": {
            kind: pct(c["hits"], int(c["questions"])) for kind, c in tallies["full"].by_kind.items()
        },
        "full_misses": dict(reasons),
    }
    return result


def _kb_miss_reason(evidence: Any, q: Question, golds: set[str]) -> str:
    if not evidence.linked:
        return "no entity linked"
    if q.topic and kb_name(q.topic) not in {kb_name(le.entity.name) for le in evidence.linked}:
        return "topic entity not linked"
    if not evidence.kb_answers:
        return "no relation path scored above the threshold"
    top = evidence.kb_answers[0].score
    if any(kb_name(a.name) in golds and a.score == top for a in evidence.kb_answers):
        # MetaQA keys films by title: remakes share one node, and with it their answers.
        return "gold answer tied with the top one"
    if any(kb_name(a.name) in golds for a in evidence.kb_answers):
        return "gold answer ranked below 1"
    return "wrong relation path"


class _TripleIndex:
    """The KB baseline: triples as sentences in a FAISS index, with the system's embedder."""

    def __init__(
        self,
        embedder: Embedder,
        files: Sequence[Path],
        cache_dir: Path | None = None,
        topics: set[str] | None = None,
    ) -> None:
        import faiss

        from ingest.triples import read_triples

        self._triples = [
            tuple(item[1])
            for path in files
            for item in read_triples(path)
            if isinstance(item, tuple)
        ]
        self._neighbours: dict[str, set[str]] = defaultdict(set)
        for s, _, o in self._triples:
            self._neighbours[kb_name(s)].add(kb_name(o))
            self._neighbours[kb_name(o)].add(kb_name(s))
        if topics is not None:  # a sample: only the triples that touch its topics
            self._triples = [
                t for t in self._triples if kb_name(t[0]) in topics or kb_name(t[2]) in topics
            ]
        self.indexed = len(self._triples)
        # The system's own English model: one copy in memory, the same vectors.
        self._embedder = embedder
        self._embedder.warm_up()
        texts = [f"{s} {p} {o}".replace("_", " ") for s, p, o in self._triples]
        vectors = self._vectors(texts, cache_dir)
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(vectors)

    def _vectors(self, texts: list[str], cache_dir: Path | None) -> np.ndarray:
        """The triples' vectors; kept beside a kept store, since embedding MetaQA's 129k
        triples takes minutes on CPU and they change only with the files or the embedder."""
        cached = None
        if cache_dir is not None:
            digest = hashlib.blake2b(digest_size=12)
            digest.update(self._embedder.name.encode())
            for text in texts:
                digest.update(text.encode() + b"\n")
            cached = cache_dir / f"triple-vectors-{digest.hexdigest()}.npy"
            if cached.exists():
                return np.load(cached)
        vectors = np.asarray(self._embedder.embed(texts, kind="passage"), dtype=np.float32)
        if cached is not None:
            np.save(cached, vectors)
        return vectors

    def answer(self, question: str) -> str:
        vector = np.asarray(self._embedder.embed([question], kind="query"), dtype=np.float32)
        _, ids = self._index.search(vector, 1)
        s, _, o = self._triples[int(ids[0][0])]
        asked = kb_name(question)
        return o if kb_name(s) in asked else s

    def reachable(self, topic: str, golds: set[str], hops: int = 1) -> bool:
        """Whether a gold answer lies within ``hops`` of the topic (the topic itself is never
        an answer)."""
        start = kb_name(topic)
        seen, frontier = {start}, {start}
        for _ in range(hops):
            frontier = {n for e in frontier for n in self._neighbours.get(e, ())} - {start}
            if frontier & golds:
                return True
            frontier -= seen
            seen |= frontier
        return False
