"""The web page in a real browser: Debian's Chromium driven by Playwright, against `kgqa serve`
on the ingested sample (both graph backends), with the API key option on.

Screenshots go to test-artifacts/screenshots/ (one per page and backend)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kgqa.api import KGQA
from kgqa.graph.neo4j_server import free_port
from kgqa.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
SHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("KGQA_CHROMIUM", "/usr/bin/chromium")
KEY = "web-test-key"


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def server(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """`kgqa serve` over the sample, as a user would run it."""
    graph: dict[str, str] = {"backend": "embedded"}
    if request.param == "neo4j":
        uri, user, password, database = request.getfixturevalue("neo4j_uri_and_auth")
        driver = request.getfixturevalue("neo4j_driver")
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
        graph = {"backend": "neo4j", "uri": uri, "user": user, "password": password}
    data = tmp_path_factory.mktemp(f"web-{request.param}")
    with KGQA.open(Settings(data_dir=data, graph=graph)) as kg:
        kg.ingest([SAMPLES / "docs"])
        kg.ingest_triples([SAMPLES / "kb.tsv"])
    port = free_port()
    env = {
        **os.environ,
        "KGQA_DATA_DIR": str(data),
        "KGQA_READER__BACKEND": "extractive",
        "KGQA_SERVICE__API_KEY": KEY,
        "HF_HUB_OFFLINE": "1",
        **{f"KGQA_GRAPH__{k.upper()}": v for k, v in graph.items()},
    }
    cmd = [sys.executable, "-m", "kgqa.cli.main", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            ready = httpx.get(f"{base}/readyz", headers={"X-API-Key": KEY}, timeout=2)
            if ready.status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            pytest.fail(f"kgqa serve exited: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("kgqa serve did not become ready in 120 s")
    yield {"base": base, "backend": request.param}
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server["base"] + "/")
    page.fill("#api-key", KEY)
    page.dispatch_event("#api-key", "change")
    yield page
    context.close()


def shot(page, server: dict, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{server['backend']}-{name}.png"), full_page=True)


def ask(page, question: str, turn: int) -> object:
    page.fill("#question", question)
    page.click("#ask-button")
    answer = page.locator("#thread .turn .a").nth(turn)
    answer.locator("xpath=self::*[@data-citations]").wait_for(timeout=60_000)
    return answer


def test_ask_streams_a_cited_answer_and_draws_its_graph(page, server) -> None:
    answer = ask(page, "Where was Marie Curie born?", 0)
    assert "Warsaw" in answer.inner_text()
    links = answer.locator("a.cite")
    assert links.count() >= 1
    n = links.first.get_attribute("data-n")
    links.first.click()
    cited = page.locator(f"#ev-{n}")
    assert "highlight" in (cited.get_attribute("class") or "")
    assert "cited" in cited.inner_text() and cited.locator("mark").count() >= 1
    # The drawn graph has exactly the nodes of the subgraph the API returns for the question.
    api = httpx.post(
        server["base"] + "/v1/ask",
        json={"question": "Where was Marie Curie born?"},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=60,
    ).json()
    expected = len(api["subgraph"]["nodes"])
    assert expected > 1
    assert page.locator("#graph").get_attribute("data-nodes") == str(expected)
    shot(page, server, "ask")


def test_clicking_a_node_opens_the_entity_and_expands_the_graph(page, server) -> None:
    ask(page, "Who was Pierre Curie?", 0)
    before = int(page.locator("#graph").get_attribute("data-nodes"))
    box = page.locator("#graph").bounding_box()
    positions = page.evaluate(
        "() => state.graph.nodes().map(n => [n.id(), n.renderedPosition().x,"
        " n.renderedPosition().y])"
    )
    grew = False
    for _, x, y in positions:
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.locator("#entity-panel").wait_for(state="visible", timeout=20_000)
        page.wait_for_timeout(300)
        if int(page.locator("#graph").get_attribute("data-nodes")) > before:
            grew = True
            break
    assert grew, "no node click added neighbours"
    assert page.locator("#entity-facts li").count() >= 1
    shot(page, server, "entity")


def test_follow_up_uses_the_conversation(page, server) -> None:
    ask(page, "Who was Pierre Curie?", 0)
    second = ask(page, "Where was he born?", 1)
    assert "Paris" in second.inner_text()
    shot(page, server, "conversation")


def test_an_unanswerable_question_shows_the_abstention(page, server) -> None:
    answer = ask(page, "What is the boiling point of tungsten?", 0)
    assert "abstained" in (answer.get_attribute("class") or "")
    assert "abstained" in answer.inner_text()
    shot(page, server, "abstain")


def test_upload_list_and_delete_a_document(page, server, tmp_path: Path) -> None:
    page.click("#tab-docs")
    page.locator("#docs tbody tr").first.wait_for(timeout=20_000)
    assert "documents" in page.inner_text("#stats")
    note = tmp_path / "geneva-note.md"
    note.write_text("# Geneva\n\nGeneva is a city in Switzerland on Lake Geneva.", encoding="utf-8")
    page.set_input_files("#upload-file", str(note))
    page.click("#upload-button")
    page.wait_for_function(
        "() => document.querySelector('#upload-result').textContent.startsWith('Ingested')",
        timeout=60_000,
    )
    row = page.locator("#docs tbody tr", has_text="geneva-note.md")
    row.wait_for(timeout=20_000)
    page.fill("#doc-filter", "geneva")
    assert page.locator("#docs tbody tr").count() == 1
    shot(page, server, "documents")
    row.locator("button.delete").click()
    page.wait_for_function(
        "() => document.querySelector('#upload-result').textContent.startsWith('Deleted')",
        timeout=30_000,
    )
    page.locator("#docs tbody tr", has_text="geneva-note.md").wait_for(state="detached")


def test_a_wrong_api_key_is_reported_on_the_page(page, server) -> None:
    page.fill("#api-key", "wrong")
    page.fill("#question", "Where was Marie Curie born?")
    page.click("#ask-button")
    page.wait_for_function("() => document.querySelector('#ask-error').textContent.length > 0")
    assert "API key" in page.inner_text("#ask-error")


def test_a_busy_service_says_when_to_retry_instead_of_spinning(page, server) -> None:
    """A 503 + Retry-After (every answer slot and queue place taken) as the browser receives
    it: the page says "busy, retry in N s", counts down, keeps the question, and lets the user
    ask again when the wait is over."""
    busy = {"error": "the service is busy; retry in 2 s", "type": "ServiceBusy", "retry_after_s": 2}
    page.route(
        "**/v1/ask",
        lambda route: route.fulfill(
            status=503,
            headers={"Retry-After": "2", "Content-Type": "application/json"},
            body=json.dumps(busy),
        ),
    )
    page.fill("#question", "Where was Marie Curie born?")
    page.click("#ask-button")
    page.wait_for_function(
        "() => document.querySelector('#ask-error').textContent.includes('busy, retry in')"
    )
    assert re.fullmatch(r"The service is busy, retry in [12] s\.", page.inner_text("#ask-error"))
    assert page.locator("#ask-button").is_disabled()
    assert page.locator("#thread .turn").count() == 0  # no spinner left behind
    assert page.input_value("#question") == "Where was Marie Curie born?"
    shot(page, server, "busy")
    page.unroute("**/v1/ask")
    page.wait_for_function("() => !document.querySelector('#ask-button').disabled", timeout=5000)
    assert page.inner_text("#ask-error") == ""
    answer = ask(page, page.input_value("#question"), 0)
    assert "Warsaw" in answer.inner_text()


def test_the_short_answer_shows_above_its_explanation(page, server) -> None:
    answer = ask(page, "Where was Marie Curie born?", 0)
    api = httpx.post(
        server["base"] + "/v1/ask",
        json={"question": "Where was Marie Curie born?"},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=60,
    ).json()
    explanation = answer.locator(".explanation")
    assert "Warsaw" in explanation.inner_text()
    short = answer.locator(".short")
    if api["short"]:
        assert short.inner_text() == api["short"]
        assert short.bounding_box()["y"] < explanation.bounding_box()["y"]
    else:  # no short answer from this answer stage: nothing empty drawn above
        assert short.count() == 0
