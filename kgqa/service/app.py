"""The HTTP API. Everything is built in the lifespan (no globals): ``create_app(settings)``.

Routes (kgqa/service/routes/): POST /v1/ask (JSON or Server-Sent Events), POST/GET/DELETE
/v1/documents, GET /v1/entities/{id}, POST /v1/chat/completions and GET /v1/models
(OpenAI-compatible), /healthz, /readyz, /metrics (Prometheus), the web page at /. Optional API
key (KGQA_SERVICE__API_KEY): ``Authorization: Bearer <key>`` or ``X-API-Key: <key>`` on every
route but /healthz and the page.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from kgqa.api import KGQA
from kgqa.errors import KGQAError
from kgqa.service.admission import Admission
from kgqa.service.errors import install_error_handler
from kgqa.service.metrics import Metrics
from kgqa.service.middleware import install_middleware
from kgqa.service.routes import ask, chat, documents, entities, health, web
from kgqa.settings import Settings

logger = logging.getLogger(__name__)

# Asked once before the first request: the models load on first use, and on a busy machine
# that took longer than a request's deadline (the first question got "timed out").
WARM_UP_QUESTION = "Where was Marie Curie born?"


def create_app(settings: Settings | None = None, kg: KGQA | None = None) -> FastAPI:
    """The app. Pass ``kg`` to serve an existing KGQA (tests, embedding); it stays open."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if kg is None:
            app.state.kgqa = await asyncio.to_thread(KGQA.open, settings)
            await asyncio.to_thread(warm_up, app.state.kgqa)
        else:
            app.state.kgqa = kg
        app.state.metrics = Metrics()
        app.state.admission = Admission(settings.service, app.state.metrics)
        try:
            yield
        finally:
            app.state.admission.close()
            if kg is None:
                app.state.kgqa.close()

    app = FastAPI(
        title="kgqa",
        version="0.1.0",
        description="Knowledge-graph question answering that cites its evidence.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.openapi = lambda: openapi_with_settings(app, settings)  # type: ignore[method-assign]
    install_middleware(app, settings.service.max_body_bytes)
    install_error_handler(app)
    for module in (web, health, ask, chat, documents, entities):
        app.include_router(module.router)
    app.mount("/static", web.static_files(), name="static")
    return app


def openapi_with_settings(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The OpenAPI schema with the limits of these settings: a question's length is a setting,
    so the request model carries only the hard ceiling and the schema states the one in force."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        limit = settings.service.max_question_chars
        schema["components"]["schemas"]["AskRequest"]["properties"]["question"]["maxLength"] = limit
        app.openapi_schema = schema
    return app.openapi_schema


def warm_up(kg: KGQA) -> None:
    """Load the retrieval models (embedders, NER, indexes) and the graph snapshot."""
    try:
        kg.warm_up(WARM_UP_QUESTION)
    except KGQAError as e:  # the service still starts; /readyz tells what is wrong
        logger.warning("warm-up retrieval failed: %s", e)
