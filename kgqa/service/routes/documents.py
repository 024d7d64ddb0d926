"""Documents: add (JSON or a file upload), list, get, delete; and the store's counts."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from kgqa.api import KGQA
from kgqa.domain import Document
from kgqa.errors import InputError, NotFoundError
from kgqa.graph.base import MAX_LIST_OFFSET
from kgqa.service.dependencies import GUARDED, KG
from kgqa.service.errors import ERROR_RESPONSES, UnsupportedMediaType
from kgqa.service.schemas import (
    DEFAULT_LIST_LIMIT,
    MAX_ID_CHARS,
    MAX_LIST_LIMIT,
    DeletedOut,
    DocumentOut,
    DocumentsIn,
    IngestReportOut,
    StatsOut,
    document_out,
)

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport

router = APIRouter(
    prefix="/v1", tags=["documents"], dependencies=GUARDED, responses=ERROR_RESPONSES
)

DocId = Annotated[str, PathParam(min_length=1, max_length=MAX_ID_CHARS)]

# Both bodies POST /v1/documents takes, for the OpenAPI schema (the route reads the body itself
# because FastAPI cannot declare one route with a JSON and a multipart alternative).
DOCUMENTS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DocumentsIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}
# A file name safe to create in a temporary folder: its own name, no path, no odd characters.
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")
MAX_FILE_STEM = 100
MAX_FILE_SUFFIX = 16


@router.post("/documents", response_model=IngestReportOut, openapi_extra=DOCUMENTS_BODY)
async def add_documents(request: Request, kg: KG) -> IngestReportOut:
    """JSON ``{"documents": [{"text", "id"?, "title"?, "metadata"?}]}``, or a multipart
    upload with a ``file`` field (txt, md, html, jsonl)."""
    media_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if media_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InputError("multipart upload needs a 'file' field")
        report = await _ingest_upload(kg, upload)
    elif media_type == "application/json":
        try:
            payload = DocumentsIn.model_validate_json(await request.body())
        except ValidationError as e:
            # Without the input: it may be any bytes, not all of them JSON-encodable.
            errors = e.errors(include_url=False, include_context=False, include_input=False)
            raise RequestValidationError(errors) from e
        report = await asyncio.to_thread(kg.ingest_documents, _documents(payload))
    else:
        raise UnsupportedMediaType(
            f"documents come as application/json or multipart/form-data, not {media_type}"
        )
    return IngestReportOut.model_validate(report.as_dict())


@router.get("/documents", response_model=list[DocumentOut])
async def list_documents(
    kg: KG,
    offset: Annotated[int, Query(ge=0, le=MAX_LIST_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)] = DEFAULT_LIST_LIMIT,
) -> list[DocumentOut]:
    docs = await asyncio.to_thread(kg.list_documents, offset, limit)
    return [document_out(d) for d in docs]


@router.get("/documents/{doc_id}", response_model=DocumentOut)
async def get_document(doc_id: DocId, kg: KG) -> DocumentOut:
    return document_out(await asyncio.to_thread(kg.get_document, doc_id))


@router.delete("/documents/{doc_id}", response_model=DeletedOut)
async def delete_document(doc_id: DocId, kg: KG) -> DeletedOut:
    removed = await asyncio.to_thread(kg.delete_documents, [doc_id])
    if not removed.documents:
        raise NotFoundError(f"no document with id {doc_id!r}")
    return DeletedOut(deleted=doc_id, chunks=len(removed.chunks), entities=len(removed.entities))


@router.get("/stats", response_model=StatsOut)
async def stats(kg: KG) -> StatsOut:
    return StatsOut.model_validate(await asyncio.to_thread(kg.stats))


def _documents(payload: DocumentsIn) -> list[Document]:
    from ingest.load.base import make_document

    return [
        make_document(d.text, "api", title=d.title, doc_id=d.id, metadata=d.metadata)
        for d in payload.documents
        if d.text.strip()
    ]


async def _ingest_upload(kg: KGQA, upload: UploadFile) -> IngestReport:
    given = Path(_UNSAFE_NAME.sub("_", Path(upload.filename or "").name).strip(". "))
    # The loader goes by the suffix; the stem is cut well inside any file system's limit.
    name = f"{given.stem[:MAX_FILE_STEM]}{given.suffix[:MAX_FILE_SUFFIX]}" or "upload.txt"
    data = await upload.read()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return await asyncio.to_thread(kg.ingest, [path])
