"""kgqa errors as HTTP responses: one status table, one body builder, one handler.

The SSE and chat streams report errors with the same body (``error_body``), so a client reads a
failure the same way whichever route it called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kgqa.errors import (
    ConfigError,
    GraphStoreUnavailable,
    InputError,
    KGQAError,
    ModelError,
    NotFoundError,
    ReaderError,
)
from kgqa.service.schemas import ErrorBody, OpenAIErrorBody, ask_response


class Unauthorised(KGQAError):
    """The API key is missing or wrong."""


class RequestTooLarge(InputError):
    """The request body is over ServiceSettings.max_body_bytes."""


class UnsupportedMediaType(InputError):
    """The request body is in a format the route does not take."""


class HTTPProblem(KGQAError):
    """What FastAPI or Starlette refused (an unparsable body, an unknown route, a wrong method),
    told in the same body as kgqa's own errors."""

    def __init__(self, message: str, status: int, headers: Mapping[str, str] | None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = dict(headers or {})


class ServiceBusy(KGQAError):
    """Every answer slot and every place in the queue is taken: come back in ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


# First match wins: subclasses before their parents.
STATUS_BY_ERROR: list[tuple[type[KGQAError], int]] = [
    (Unauthorised, 401),
    (RequestTooLarge, 413),
    (UnsupportedMediaType, 415),
    (InputError, 400),
    (NotFoundError, 404),
    (ServiceBusy, 503),
    (GraphStoreUnavailable, 503),
    (ReaderError, 503),
    (ModelError, 503),
    (ConfigError, 500),
    (KGQAError, 500),
]

ERROR_CODES = (400, 401, 404, 413, 415, 503)
# For the OpenAPI schema of every route that can answer with these.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in ERROR_CODES
}
# The OpenAI-compatible routes answer errors the way OpenAI clients read them.
OPENAI_PATHS = ("/v1/chat/", "/v1/models")
OPENAI_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": OpenAIErrorBody} for code in ERROR_CODES
}
# A route that can also answer as Server-Sent Events.
SSE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"text/event-stream": {}}}}


def error_status(exc: KGQAError) -> int:
    if isinstance(exc, HTTPProblem):
        return exc.status
    return next(code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind))


def error_body(exc: KGQAError) -> ErrorBody:
    partial = getattr(exc, "partial", None)
    return ErrorBody(
        error=str(exc),
        type=type(exc).__name__,
        retry_after_s=exc.retry_after_s if isinstance(exc, ServiceBusy) else None,
        evidence=ask_response(partial) if partial is not None else None,
    )


def error_response(exc: KGQAError, openai_shape: bool = False) -> JSONResponse:
    headers: dict[str, str] = dict(exc.headers) if isinstance(exc, HTTPProblem) else {}
    if isinstance(exc, ServiceBusy):
        headers["Retry-After"] = str(exc.retry_after_s)
    elif isinstance(exc, Unauthorised):
        headers["WWW-Authenticate"] = "Bearer"
    body = error_body(exc)
    shaped = OpenAIErrorBody.of(body) if openai_shape else body
    content = shaped.model_dump(mode="json", exclude_none=True)
    return JSONResponse(content, status_code=error_status(exc), headers=headers)


def install_error_handler(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, KGQAError)
        return error_response(exc, request.url.path.startswith(OPENAI_PATHS))

    async def handle_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        problem = HTTPProblem(str(exc.detail), exc.status_code, exc.headers)
        return await handle(request, problem)

    app.add_exception_handler(KGQAError, handle)
    app.add_exception_handler(StarletteHTTPException, handle_http)
