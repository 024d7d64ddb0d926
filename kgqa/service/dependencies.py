"""What routes get injected: the KGQA the lifespan opened, its admission and metrics, and the
API key guard."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from kgqa.api import KGQA
from kgqa.service.admission import Admission
from kgqa.service.errors import Unauthorised
from kgqa.service.metrics import Metrics
from kgqa.settings import Settings


def get_kgqa(request: Request) -> KGQA:
    kg: KGQA = request.app.state.kgqa
    return kg


def get_admission(request: Request) -> Admission:
    admission: Admission = request.app.state.admission
    return admission


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def require_api_key(request: Request) -> None:
    """With KGQA_SERVICE__API_KEY set: ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.
    Compared in constant time, so response timing says nothing about how much of a guess was
    right."""
    secret = request.app.state.settings.service.api_key
    expected = secret.get_secret_value() if secret is not None else ""
    if not expected:
        return
    given = request.headers.get("x-api-key", "")
    bearer = request.headers.get("authorization", "")
    if not given and bearer[:7].lower() == "bearer ":
        given = bearer[7:].strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorised("missing or wrong API key")


KG = Annotated[KGQA, Depends(get_kgqa)]
AdmissionDep = Annotated[Admission, Depends(get_admission)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
GUARDED = [Depends(require_api_key)]
