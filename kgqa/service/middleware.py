"""Around every request: bound the body (by its Content-Length before reading it, and by the
bytes actually received for a chunked body or a Content-Length that lies), and time it."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kgqa.service.errors import RequestTooLarge, error_response
from kgqa.service.metrics import Metrics


class BodyLimit:
    """Pure ASGI, so it sees each body chunk as it arrives. Past ``max_bytes`` the app is told
    the client went away (it stops reading, and FastAPI would turn an exception raised while it
    reads into a 400), its reply is dropped, and the client gets a 413 instead: at most one
    chunk past the limit is ever held, never the whole body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        received = 0
        too_large: RequestTooLarge | None = None
        started = False  # whether the app's response had begun before the body ran over

        async def bounded() -> Message:
            nonlocal received, too_large
            if too_large is not None:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = RequestTooLarge(
                        f"request body of more than {limit} bytes (sent in chunks, or past its "
                        f"Content-Length) exceeds the limit of {limit}"
                    )
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if too_large is not None and not started:
                return  # the app's answer to a body it never got whole
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded, guarded)
        except Exception:
            if too_large is None or started:
                raise
        if too_large is not None and not started:
            await error_response(too_large)(scope, receive, send)


def install_middleware(app: FastAPI, max_body_bytes: int) -> None:
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)

    @app.middleware("http")
    async def limits_and_metrics(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_body_bytes:
            return error_response(
                RequestTooLarge(
                    f"request body of {length} bytes exceeds the limit of {max_body_bytes}"
                )
            )
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        metrics: Metrics | None = getattr(request.app.state, "metrics", None)
        if metrics is not None:
            metrics.requests.labels(route, str(response.status_code)).inc()
            metrics.latency.labels(route).observe(time.perf_counter() - started)
        return response
