"""`kgqa neo4j start` never prints a password and has no default one (the server itself is
not started here: ``Neo4jServer.start`` is replaced by one that records its password)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.cli.main import app
from kgqa.graph.neo4j_server import Neo4jServer


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    passwords: list[str] = []

    def start(self: Neo4jServer, timeout: float = 120.0, detached: bool = False) -> str:
        passwords.append(self.password)
        return self.uri

    monkeypatch.setattr(Neo4jServer, "start", start)
    return passwords


def test_a_password_is_generated_once_kept_private_and_never_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[str]
) -> None:
    monkeypatch.delenv("KGQA_GRAPH__PASSWORD", raising=False)
    home = tmp_path / "neo4j"
    result = CliRunner().invoke(app, ["neo4j", "start", "--home", str(home)])
    assert result.exit_code == 0, result.output
    secret = (home / "password").read_text().strip()
    assert started == [secret] and len(secret) >= 16
    assert stat.S_IMODE((home / "password").stat().st_mode) == 0o600
    assert secret not in result.output
    assert f"$(cat {home / 'password'})" in result.output.replace("\n", "")
    again = CliRunner().invoke(app, ["neo4j", "start", "--home", str(home)])
    assert again.exit_code == 0 and started == [secret, secret]


def test_a_given_password_is_used_and_neither_stored_nor_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[str]
) -> None:
    monkeypatch.setenv("KGQA_GRAPH__PASSWORD", "given-secret-123")
    home = tmp_path / "neo4j"
    result = CliRunner().invoke(app, ["neo4j", "start", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert started == ["given-secret-123"]
    assert not (home / "password").exists()
    assert "given-secret-123" not in result.output
