"""Small-sample evaluations with floors that catch a retrieval regression (full runs: README)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kgqa.errors import InputError
from kgqa.evaluation.metrics import exact_match, f1, normalize_answer
from kgqa.evaluation.runner import evaluate

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_squad_metrics() -> None:
    assert normalize_answer("The  Eiffel Tower!") == "eiffel tower"
    assert exact_match("the eiffel tower", ["Eiffel Tower"]) == 1.0
    assert f1("Paris, France", ["Paris"]) == pytest.approx(2 / 3)
    assert f1("London", ["Paris"]) == 0.0


def test_pathquestion_sample_beats_the_floor_and_the_dense_baseline(shared_data: Path) -> None:
    report = evaluate("pathquestion", shared_data, sample=200, seed=0, files=["PQ-2H"])
    full, dense = report["full"], report["dense"]
    assert full["questions"] == dense["questions"] == 200
    # 91.5 on this sample (2026-11-25); 82 before relation paths were aligned word by word;
    # 82.5 with whole-path set walks, 92.0 since a turn must be named by words of its own
    # (issue 21, 2026-12-02).
    assert full["hits@1"] >= 88.0, report["splits"]["PQ-2H"]["breakdown"]
    assert full["hits@1"] >= dense["hits@1"] + 40


def test_metaqa_sample_beats_the_floor_and_reports_its_ceiling(shared_data: Path) -> None:
    report = evaluate("metaqa-1hop", shared_data, sample=100, seed=0)
    split = report["splits"]["metaqa-1hop"]
    full, dense = report["full"], report["dense"]
    assert full["questions"] == dense["questions"] == 100
    assert 0 < split["reachable_ceiling"] <= 100
    assert full["share_of_ceiling"] == pytest.approx(
        100 * full["hits@1"] / split["reachable_ceiling"], abs=0.01
    )
    # Relation examples are learned from the dev questions, never the test questions asked.
    learned = split["relation_examples"]
    assert learned["file"] == "qa_1hop_dev.txt"
    assert learned["learned"] > 0.7 * learned["pairs"] and learned["examples"] > 100
    # 96.0 on a 1,000-question sample with examples, 87.0 without (2026-11-27); 36 before paths
    # that turn were penalised.
    assert full["hits@1"] >= 90.0, split["breakdown"]
    assert full["hits@1"] >= dense["hits@1"] + 20
    assert sum(split["breakdown"]["full_misses"].values()) == 100 - full["hits"]


def test_metaqa_2hop_sample_learns_from_the_unscored_dev_questions(shared_data: Path) -> None:
    report = evaluate("metaqa-2hop", shared_data, sample=100, seed=0)
    split = report["splits"]["metaqa-2hop"]
    full, dense = report["full"], report["dense"]
    assert full["questions"] == dense["questions"] == 100
    # Scored: every 5th dev question; learned from: the other four fifths, never the scored.
    learned = split["relation_examples"]
    assert learned["pairs"] == 14_872 - 2_975
    # 97% since each wording's path is decided by all its pairs (67% when each pair alone
    # taught and ties were dropped, issue 21).
    assert learned["learned"] > 0.9 * learned["pairs"]
    assert 0 < split["reachable_ceiling"] <= 100
    # 96.0 (F1 94.2) on a 200-question sample, seed 0 (2026-12-02); 0.0 before whole-path
    # scoring and multi-hop examples (issue 21).
    assert full["hits@1"] >= 90.0, split["breakdown"]
    assert full["f1"] >= dense["f1"] + 30
    assert full["hits@1"] >= dense["hits@1"] + 30


def test_metaqa_3hop_sample_learns_three_hop_paths_per_wording(shared_data: Path) -> None:
    report = evaluate("metaqa-3hop", shared_data, sample=100, seed=0)
    split = report["splits"]["metaqa-3hop"]
    full, dense = report["full"], report["dense"]
    assert full["questions"] == dense["questions"] == 100
    learned = split["relation_examples"]
    assert learned["pairs"] == 14_274 - 2_855
    assert learned["learned"] > 0.9 * learned["pairs"]
    # 95.0 (F1 91.7) on a 200-question sample, seed 0 (2026-12-02); 75.0 when each pair alone
    # taught its wording ("when did the movies release whose writers also wrote X" learned
    # the wrong path from a few pairs), 18.0 before whole-path scoring (issue 21).
    assert full["hits@1"] >= 88.0, split["breakdown"]
    assert full["hits@1"] >= dense["hits@1"] + 40


def test_2wiki_sample_recall_floor_via_the_cli(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "kgqa.cli.main", "eval", "2wiki", "--sample", "40"]
    cmd += ["--no-answers", "--data-dir", str(shared_data), "--json", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "recall@5" in done.stdout
    report = json.loads(out.read_text())
    full, dense = report["full"], report["dense"]
    assert full["questions_with_gold"] >= 35
    # 89.74 vs dense 64.1 on this sample (2026-12-02, second session: bridge weight 2 over the
    # first 3 chunks; 87.8 on 2026-11-25).
    assert full["recall@5"] >= 85.0 and full["recall@5"] >= dense["recall@5"] + 15
    assert full["answer_in_evidence"] >= dense["answer_in_evidence"]


def test_hotpotqa_dev_recall_floor(shared_data: Path) -> None:
    report = evaluate("hotpotqa-dev", shared_data, answers=False)
    full, dense = report["full"], report["dense"]
    assert full["questions_with_gold"] == 53
    # 93.4 vs dense 78.3 (2026-12-02, fourth session: no nationalities as bridges, ties by
    # closeness; 90.57 with PageRank at 0.5, 89.62 with bridge weight 2 over the first 3
    # chunks, 86.8 with the first bridge, 87.7 without it, 84.0 in issue 16).
    assert full["recall@5"] >= 91.5 and full["recall@5"] >= dense["recall@5"] + 13
    assert full["answer_in_evidence"] >= dense["answer_in_evidence"]


def test_unknown_dataset_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown data set"):
        evaluate("squad", tmp_path)


def test_hotpotqa_dev_is_one_corpus_of_all_paragraphs(shared_data: Path) -> None:
    from kgqa.evaluation.datasets import load_splits

    [split] = load_splits("hotpotqa-dev", shared_data, None, 0)
    assert len(split.questions) == 53 and len(split.documents) == 521
    first = split.questions[0]
    assert first.answers == ["yes"] and first.gold == ["Ed Wood", "Scott Derrickson"]
    assert {q.kind for q in split.questions} == {"bridge", "comparison"}
