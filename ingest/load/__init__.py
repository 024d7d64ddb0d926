"""Load documents from files, directories and stdin.

Example::

    for item in iter_documents(["notes/", "kb.jsonl"], LoadOptions()):
        if isinstance(item, LoadProblem):
            print(item)
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ingest.load.base import LoadOptions, LoadProblem, decode, make_document, problem_or_raise
from ingest.load.html import load_html
from ingest.load.jsonl import load_jsonl, parse_jsonl_lines
from ingest.load.text import load_text
from kgqa.domain import Document
from kgqa.errors import InputError

__all__ = ["LoadOptions", "LoadProblem", "iter_documents"]

Loader = Callable[[Path, LoadOptions], Iterator[Document | LoadProblem]]
LOADERS: dict[str, Loader] = {
    ".txt": load_text,
    ".text": load_text,
    ".md": load_text,
    ".markdown": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".jsonl": load_jsonl,
    ".ndjson": load_jsonl,
}


def iter_documents(
    paths: Sequence[str | Path], options: LoadOptions | None = None
) -> Iterator[Document | LoadProblem]:
    """Documents (and, with ``on_error="skip"``, problems) from files, folders and ``-``."""
    options = options or LoadOptions()
    for raw in paths:
        if str(raw) == "-":
            yield from _checked(_stdin(options), options)
            continue
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if path.is_dir():
            base = path.resolve()
            for file in _walk(path, options):
                name = f"{base.name}/{file.resolve().relative_to(base).as_posix()}"
                yield from _checked(_load_file(file, name, options), options)
        else:
            yield from _checked(_load_file(path, path.name, options), options)


def _load_file(path: Path, name: str, options: LoadOptions) -> Iterator[Document | LoadProblem]:
    """A file's documents; a plain file's id is its path below the ingested folder, so an
    edited file replaces its previous version (JSONL lines keep their own ids)."""
    loader = LOADERS.get(path.suffix.lower(), load_text)
    try:
        for item in loader(path, options):
            if isinstance(item, Document) and loader is not load_jsonl:
                item.id = f"file:{name}"
            yield item
    except OSError as e:
        yield LoadProblem(str(path), None, f"cannot read: {e.strerror or e}")


def _walk(root: Path, options: LoadOptions) -> Iterator[Path]:
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if not any(fnmatch.fnmatch(path.name, pat) for pat in options.include):
            continue
        if any(
            fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(path.name, pat) for pat in options.exclude
        ):
            continue
        yield path


def _stdin(options: LoadOptions) -> Iterator[Document | LoadProblem]:
    stream = sys.stdin.buffer
    if options.stdin_format == "jsonl":
        yield from parse_jsonl_lines(stream, "<stdin>", options)
        return
    text = decode(stream.read(), "<stdin>", options)
    if isinstance(text, LoadProblem):
        yield text
        return
    yield make_document(text, "<stdin>", title="stdin", metadata=dict(options.metadata))


def _checked(
    items: Iterator[Document | LoadProblem], options: LoadOptions
) -> Iterator[Document | LoadProblem]:
    for item in items:
        yield problem_or_raise(item, options) if isinstance(item, LoadProblem) else item
