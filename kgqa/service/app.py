"""The HTTP API. Everything is built in the lifespan (no globals): ``create_app(settings)``.

Routes (kgqa/service/routes/): POST /v1/ask (JSON or Server-Sent Events), POST/GET/DELETE
/v1/documents, GET /v1/entities/{id}, POST /v1/chat/completions and GET /v1/models
(OpenAI-compatible), /healthz, /readyz, /metrics (Prometheus), the web page at /. Optional API
key (KGQA_SERVICE__API_KEY): ``Authorization: Bearer <key>`` or ``X-API-Key: <key>`` on every
route but /healthz and the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kgqa.api import KGQA
from kgqa.service.admission import Admission
from kgqa.service.errors import install_error_handler
from kgqa.service.metrics import Metrics
from kgqa.service.middleware import install_middleware
from kgqa.service.routes import ask, chat, documents, entities, health, web
from kgqa.settings import Settings


def create_app(settings: Settings | None = None, kg: KGQA | None = None) -> FastAPI:
    """The app. Pass ``kg`` to serve an existing KGQA (tests, embedding); it stays open."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.kgqa = kg if kg is not None else await asyncio.to_thread(KGQA.open, settings)
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
    install_middleware(app, settings.service.max_body_bytes)
    install_error_handler(app)
    for module in (web, health, ask, chat, documents, entities):
        app.include_router(module.router)
    app.mount("/static", web.static_files(), name="static")
    return app
