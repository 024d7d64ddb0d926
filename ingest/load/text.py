"""Plain text and Markdown: the text is kept as is (offsets index into it); the title is the
first Markdown heading, or the file name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ingest.load.base import LoadOptions, LoadProblem, make_document, read_text
from kgqa.domain import Document

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def load_text(path: Path, options: LoadOptions) -> Iterator[Document | LoadProblem]:
    text = read_text(path, options)
    if isinstance(text, LoadProblem):
        yield text
        return
    title = path.stem
    if path.suffix.lower() in (".md", ".markdown"):
        heading = _HEADING.search(text[:5000])
        if heading:
            title = heading.group(1)
    yield make_document(text, str(path), title=title, metadata=dict(options.metadata))
