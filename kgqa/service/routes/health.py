"""/healthz (the process answers; always open), /readyz (the store answers) and /metrics
(Prometheus); the last two need the API key when one is set, since they tell an outsider what
the service holds and how busy it is."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from kgqa.errors import KGQAError
from kgqa.service.dependencies import GUARDED, KG, MetricsDep
from kgqa.service.errors import ERROR_RESPONSES
from kgqa.service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, response_model_exclude_none=True)
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    dependencies=GUARDED,
    responses={**ERROR_RESPONSES, 503: {"model": Health}},
)
async def readyz(kg: KG) -> Response:
    try:
        await asyncio.to_thread(kg.health)
    except KGQAError as e:
        return JSONResponse(
            Health(status="unavailable", error=str(e)).model_dump(exclude_none=True), 503
        )
    return JSONResponse(Health(status="ready").model_dump(exclude_none=True))


@router.get(
    "/metrics",
    dependencies=GUARDED,
    responses={**ERROR_RESPONSES, 200: {"content": {CONTENT_TYPE_LATEST: {}}}},
    response_class=PlainTextResponse,
)
async def metrics(metrics: MetricsDep) -> Response:
    return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
