"""`kgqa eval --help` names every data set the evaluator accepts."""

from __future__ import annotations

from typer.testing import CliRunner

from kgqa.cli.main import app
from kgqa.evaluation.datasets import DATASETS


def test_eval_help_lists_every_data_set() -> None:
    result = CliRunner().invoke(app, ["eval", "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    for name in (*DATASETS, "facts"):
        assert name in result.output, name
    assert "hotpotqa-dev" in DATASETS
