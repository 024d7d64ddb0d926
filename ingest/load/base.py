"""What every loader shares: options, problems, decoding, and building a Document."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from kgqa.domain import Document
from kgqa.errors import InputError
from kgqa.language import detect_language
from kgqa.names import content_hash


@dataclass(slots=True, frozen=True)
class LoadProblem:
    """A document that could not be loaded; a bulk run reports it and goes on."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


@dataclass(slots=True)
class LoadOptions:
    text_field: str = "text"
    id_field: str = "id"
    title_field: str = "title"
    include: tuple[str, ...] = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.jsonl")
    exclude: tuple[str, ...] = ()
    stdin_format: Literal["text", "jsonl"] = "text"
    # "raise": the first problem stops the run (InputError); "skip": problems are yielded.
    on_error: Literal["raise", "skip"] = "skip"
    # "strict": invalid UTF-8 is a problem; "replace": load it with U+FFFD in place.
    encoding_errors: Literal["strict", "replace"] = "strict"
    max_bytes: int = 200 * 1024 * 1024
    metadata: dict[str, Any] = field(default_factory=dict)


def decode(data: bytes, source: str, options: LoadOptions) -> str | LoadProblem:
    if b"\x00" in data[:8192]:
        return LoadProblem(source, None, "binary file (NUL bytes), not text; skipped")
    try:
        text = data.decode("utf-8-sig", errors=options.encoding_errors)
    except UnicodeDecodeError as e:
        return LoadProblem(
            source,
            None,
            f"invalid UTF-8 at byte {e.start}; convert it to UTF-8 "
            "or pass --encoding-errors replace",
        )
    if not text.strip():
        return LoadProblem(source, None, "empty document")
    return text


def read_text(path: Path, options: LoadOptions) -> str | LoadProblem:
    """A file's text within the size limit, or the problem that stops it."""
    data = read_bytes(path, options)
    return data if isinstance(data, LoadProblem) else decode(data, str(path), options)


def read_bytes(path: Path, options: LoadOptions) -> bytes | LoadProblem:
    size = path.stat().st_size
    if size > options.max_bytes:
        return LoadProblem(
            str(path), None, f"{size} bytes is above the limit of {options.max_bytes} bytes"
        )
    return path.read_bytes()


def make_document(
    text: str,
    source: str,
    title: str = "",
    doc_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    lang: str | None = None,
) -> Document:
    metadata = metadata or {}
    meta_json = json.dumps(metadata, sort_keys=True, ensure_ascii=False, default=str)
    digest = content_hash(title, text, meta_json)
    return Document(
        id=doc_id or f"doc:{digest[:20]}",
        text=text,
        title=title,
        source=source,
        lang=lang or detect_language(text),
        metadata=metadata,
        content_hash=digest,
    )


def problem_or_raise(problem: LoadProblem, options: LoadOptions) -> LoadProblem:
    if options.on_error == "raise":
        raise InputError(str(problem))
    return problem
