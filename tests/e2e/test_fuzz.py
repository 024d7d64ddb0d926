"""Schemathesis over the OpenAPI schema, against a real `kgqa serve` process on the embedded store
with the extractive reader: every operation, valid and invalid inputs, no 5xx (but the
intentional 503s) and every documented response as documented.

The server runs as its own process, as issue 19 found it: one request (``GET /v1/documents?
offset=4398046511103&limit=907``) killed it, so a test in this process would die with it. After
the run, the server must still be alive and answering. Bounded (``MAX_EXAMPLES`` per operation,
deterministic) to take about a minute on two cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from kgqa.api import KGQA
from kgqa.graph.neo4j_server import free_port
from kgqa.service.app import create_app
from kgqa.settings import Settings
from tests.e2e.conftest import SAMPLES

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

MAX_EXAMPLES = 10
# Every answer route shares the slots: the fuzzer's answers wait behind each other, never 503.
SERVER_ENV = {
    "KGQA_READER__BACKEND": "extractive",
    "KGQA_SERVICE__MAX_WAITING_ANSWERS": "50",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}
CONFIG = {
    "seed": 19,
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
    "phases": {"examples": {"enabled": False}, "stateful": {"enabled": False}},
    "request-timeout": 60,
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("fuzz")
    with KGQA.open(Settings(data_dir=data)) as kg:
        kg.ingest([SAMPLES / "docs"])
        kg.ingest_triples([SAMPLES / "kb.tsv"])
    port = free_port()
    env = {**os.environ, **SERVER_ENV, "KGQA_DATA_DIR": str(data)}
    cmd = [sys.executable, "-m", "kgqa.cli.main", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    _wait_ready(proc, base)
    yield base
    alive = proc.poll() is None
    proc.terminate()
    _, stderr = proc.communicate(timeout=30)
    assert alive, f"kgqa serve died during the fuzz run: {stderr.decode()[-2000:]}"


# The schema the server serves at /openapi.json, built from the same code without starting it
# (the server is started by a fixture, after collection).
schema = schemathesis.openapi.from_dict(
    create_app(Settings()).openapi(), config=SchemathesisConfig.from_dict(CONFIG)
)


@schema.parametrize()
def test_every_operation_holds_up(case, served: str) -> None:
    case.call_and_validate(
        base_url=served, checks=[not_a_server_error, response_schema_conformance]
    )
    # The process is still there and answering after each request.
    assert httpx.get(f"{served}/healthz", timeout=10).status_code == 200


def _wait_ready(proc: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"kgqa serve exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    pytest.fail("kgqa serve did not become ready in 120 s")


def test_the_issue_19_request_is_a_4xx_and_the_server_lives(served: str) -> None:
    r = httpx.get(f"{served}/v1/documents", params={"offset": 4398046511103, "limit": 907})
    assert r.status_code == 422
    assert httpx.get(f"{served}/v1/documents", params={"limit": 1}).status_code == 200
