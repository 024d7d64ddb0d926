"""GET /v1/entities/{id}: an entity and the facts around it (the page's graph expands with it)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Query

from kgqa.service.dependencies import GUARDED, KG
from kgqa.service.errors import ERROR_RESPONSES
from kgqa.service.schemas import (
    MAX_ENTITY_FACTS,
    MAX_ID_CHARS,
    EntityWithNeighbours,
    entity_out,
    fact_out,
)

router = APIRouter(prefix="/v1", tags=["entities"], dependencies=GUARDED, responses=ERROR_RESPONSES)


@router.get("/entities/{entity_id}", response_model=EntityWithNeighbours)
async def get_entity(
    entity_id: Annotated[str, Path(min_length=1, max_length=MAX_ID_CHARS)],
    kg: KG,
    limit: Annotated[int, Query(ge=1, le=MAX_ENTITY_FACTS)] = 50,
) -> EntityWithNeighbours:
    entity, facts = await asyncio.to_thread(kg.entity, entity_id, limit)
    return EntityWithNeighbours(entity=entity_out(entity), facts=[fact_out(f) for f in facts])
