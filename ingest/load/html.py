"""HTML: visible text only (scripts, styles and templates dropped); title from <title> or <h1>."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ingest.load.base import LoadOptions, LoadProblem, make_document, read_text
from kgqa.domain import Document

_BLANKS = re.compile(r"\n\s*\n\s*")


def html_to_text(markup: str) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title_tag = soup.find("title") or soup.find("h1")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    if soup.head is not None:
        soup.head.decompose()
    body = soup.get_text("\n")
    lines = [" ".join(line.split()) for line in body.splitlines()]
    text = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return title, text


def load_html(path: Path, options: LoadOptions) -> Iterator[Document | LoadProblem]:
    markup = read_text(path, options)
    if isinstance(markup, LoadProblem):
        yield markup
        return
    title, text = html_to_text(markup)
    if not text:
        yield LoadProblem(str(path), None, "HTML with no visible text")
        return
    yield make_document(text, str(path), title=title or path.stem, metadata=dict(options.metadata))
