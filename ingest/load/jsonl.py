"""JSON Lines: one document per line; field names are configurable; other fields become
metadata. A malformed line is a problem with file and line number; the rest goes on."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.load.base import LoadOptions, LoadProblem, make_document
from kgqa.domain import Document


def load_jsonl(path: Path, options: LoadOptions) -> Iterator[Document | LoadProblem]:
    with path.open("rb") as f:
        yield from parse_jsonl_lines(f, str(path), options)


def parse_jsonl_lines(
    lines: Iterable[bytes], source: str, options: LoadOptions
) -> Iterator[Document | LoadProblem]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig", errors=options.encoding_errors)
            record = json.loads(line)
        except UnicodeDecodeError as e:
            yield LoadProblem(source, number, f"invalid UTF-8 at byte {e.start} of the line")
            continue
        except json.JSONDecodeError as e:
            yield LoadProblem(source, number, f"malformed JSON: {e.msg} (column {e.colno})")
            continue
        if not isinstance(record, dict):
            yield LoadProblem(source, number, "a JSONL line must be an object")
            continue
        text = record.get(options.text_field)
        if not isinstance(text, str) or not text.strip():
            yield LoadProblem(source, number, f"no text in field {options.text_field!r}")
            continue
        doc_id = record.get(options.id_field)
        title = record.get(options.title_field) or ""
        reserved = {options.text_field, options.id_field, options.title_field, "lang"}
        metadata = {k: v for k, v in record.items() if k not in reserved}
        metadata.update(options.metadata)
        lang = record.get("lang") if isinstance(record.get("lang"), str) else None
        yield make_document(
            text,
            f"{source}:{number}",
            title=str(title),
            doc_id=str(doc_id) if doc_id not in (None, "") else None,
            metadata=metadata,
            lang=lang,
        )
