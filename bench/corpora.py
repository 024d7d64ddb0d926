"""The benchmark corpora from ../shared/data, as kgqa Documents."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

from ingest.load.base import make_document
from kgqa.domain import Document

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("KGQA_SHARED_DATA", REPO.parent / "shared" / "data"))


def require(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"{path} not found: put ../shared beside the repo or set KGQA_SHARED_DATA")
    return path


def wiki2_documents(limit: int | None = None) -> list[Document]:
    """2WikiMultihopQA's 6,119 passages; the title is the document id (titles are unique)."""
    passages = json.loads(require(DATA / "2wiki" / "corpus.json").read_text(encoding="utf-8"))
    return [
        make_document(p["text"], "2wiki", title=p["title"], doc_id=f"2wiki:{p['title']}")
        for p in passages[:limit]
    ]


def news_documents(limit: int) -> list[Document]:
    """The first ``limit`` articles of the 20k Chinese news corpus."""
    docs = []
    with gzip.open(require(DATA / "crud_rag" / "news_20k.txt.gz"), "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= limit:
                break
            docs.append(make_document(line.strip(), "news", doc_id=f"news:{i}"))
    return docs
