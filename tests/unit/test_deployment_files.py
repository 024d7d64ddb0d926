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
    assert "neo4j-data" in compose["volumes"]


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


def test_two_api_replicas_behind_one_port(compose: dict) -> None:
    kgqa, nginx = compose["services"]["kgqa"], compose["services"]["nginx"]
    assert kgqa["deploy"]["replicas"] == 2
    # Replicas publish nothing (two could not bind one host port); nginx publishes the one port.
    assert "ports" not in kgqa and kgqa["expose"] == ["8080"]
    assert nginx["ports"] == ["127.0.0.1:8080:8080"]
    assert nginx["depends_on"]["kgqa"]["condition"] == "service_healthy"
    # No volume shared between replicas: the store is Neo4j.
    assert "volumes" not in kgqa and set(compose["volumes"]) == {"neo4j-data"}
    [mount] = nginx["volumes"]
    source, target, mode = mount.split(":")
    assert (REPO / source).is_file() and target == "/etc/nginx/nginx.conf" and mode == "ro"


def test_nginx_proxies_to_every_replica_and_streams() -> None:
    import re

    conf = (REPO / "deploy" / "nginx.conf").read_text()
    assert conf.count("{") == conf.count("}")
    assert "resolver 127.0.0.11" in conf  # Docker's DNS, re-read: --scale adds replicas
    assert re.search(r"set \$kgqa http://kgqa:8080;\s+proxy_pass \$kgqa;", conf)
    assert "proxy_buffering off;" in conf  # Server-Sent Events reach the client as they come
    body = re.search(r"client_max_body_size (\d+)m;", conf)
    assert body and int(body.group(1)) * 1024 * 1024 == Settings().service.max_body_bytes
    # The Dockerfile's port and healthcheck are what nginx and depends_on rely on.
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "EXPOSE 8080" in dockerfile and "HEALTHCHECK" in dockerfile
