"""docker-compose.yml can't run here (no Docker engine); check what can be checked offline."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kgqa.settings import Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_neo4j_service_is_the_lts_with_healthcheck_and_volume(compose: dict) -> None:
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert any(v.endswith(":/data") for v in neo4j["volumes"])
    assert set(compose["volumes"]) >= {"neo4j-data", "kgqa-data"}


def test_kgqa_service_waits_for_neo4j_and_its_env_are_real_settings(
    compose: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    kgqa = compose["services"]["kgqa"]
    assert kgqa["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = {k: str(v) for k, v in kgqa["environment"].items()}
    for key, value in env.items():
        monkeypatch.setenv(key, value.replace("${NEO4J_PASSWORD:?set NEO4J_PASSWORD}", "pw"))
    settings = Settings()  # extra="forbid": a misspelt variable would not be silently ignored
    assert settings.graph.backend == "neo4j"
    assert settings.graph.uri == "bolt://neo4j:7687"
    assert settings.graph.password.get_secret_value() == "pw"
    assert str(settings.data_dir) == "/data"


def test_dockerfile_copies_every_package_and_the_cypher_files() -> None:
    text = (REPO / "Dockerfile").read_text()
    for folder in ("kgqa", "ingest", "cypher"):
        assert f"COPY {folder} ./{folder}" in text
    assert "HF_HUB_OFFLINE=1" in text
