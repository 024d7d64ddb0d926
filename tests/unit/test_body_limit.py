"""The body limit at the ASGI level: a chunked body is cut off after the chunk that crosses
the limit (the app reading it, as FastAPI does, never pulls the rest), and answered 413."""

from __future__ import annotations

import asyncio
import json

from fastapi import FastAPI, Request

from kgqa.service.middleware import BodyLimit


def run(app: BodyLimit, chunks: int, size: int = 1024) -> tuple[int, dict, int]:
    """(status, JSON body, chunks the server pulled) for a chunked POST of ``chunks`` chunks."""
    pulled = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"a" * size, "more_body": pulled < chunks}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "path": "/echo",
        "raw_path": b"/echo",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"transfer-encoding", b"chunked")],
        "scheme": "http",
        "server": ("test", 80),
        "client": ("test", 1),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), pulled


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict:
        return {"bytes": len(await request.body())}

    return app


def test_a_chunked_body_past_the_limit_is_cut_off_and_refused() -> None:
    status, body, pulled = run(BodyLimit(echo_app(), max_bytes=4096), chunks=1000)
    assert status == 413 and "exceeds the limit of 4096" in body["error"]
    assert pulled == 5  # the fifth 1 KiB chunk crosses 4 KiB; nothing after it is read


def test_a_body_within_the_limit_goes_through() -> None:
    status, body, pulled = run(BodyLimit(echo_app(), max_bytes=4096), chunks=4)
    assert (status, body, pulled) == (200, {"bytes": 4096}, 4)
