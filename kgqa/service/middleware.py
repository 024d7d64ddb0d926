"""Around every request: refuse an oversized body before reading it, and time the request."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response

from kgqa.service.errors import RequestTooLarge, error_response
from kgqa.service.metrics import Metrics


def install_middleware(app: FastAPI, max_body_bytes: int) -> None:
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
