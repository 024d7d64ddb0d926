"""Knowledge-base import: triples from TSV, CSV or pipe-separated files.

Each file becomes one document (id ``kb:<file name>`` unless given), so importing it again is a
no-op when unchanged and a replacement when changed; its triples are RELATES edges of kind
``kb`` whose provenance is the line number.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.load import LoadProblem
from kgqa.domain import KB_ENTITY_TYPE, Document, Entity, GraphBatch, Relation
from kgqa.errors import InputError
from kgqa.names import entity_id, normalize_name


@dataclass(slots=True)
class TripleFile:
    batch: GraphBatch
    problems: list[LoadProblem] = field(default_factory=list)


def sniff_delimiter(path: Path, first_line: str) -> str:
    suffix = path.suffix.lower()
    if suffix == ".tsv" or "\t" in first_line:
        return "\t"
    if "|" in first_line:
        return "|"
    if suffix == ".csv" or "," in first_line:
        return ","
    raise InputError(f"{path}: cannot tell the delimiter (expected tab, '|' or ',')")


def read_triples(
    path: Path, delimiter: str | None = None
) -> Iterator[tuple[int, list[str]] | LoadProblem]:
    """(line number, [subject, predicate, object]) per line; malformed lines become problems."""
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path}: looks binary (NUL bytes), not a triples file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not valid UTF-8 at byte {e.start}") from e
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(f"{path}: empty triples file")
    first = next(line for line in lines if line.strip())
    sep = delimiter or sniff_delimiter(path, first)
    if sep == ",":
        rows: Iterator[list[str]] = csv.reader(io.StringIO(text))
    else:
        rows = (line.split(sep) for line in lines)
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) != 3 or not all(cells):
            yield LoadProblem(str(path), number, f"expected 3 non-empty fields, got {len(cells)}")
            continue
        yield number, cells


def load_triple_file(
    path: Path, doc_id: str | None = None, delimiter: str | None = None
) -> TripleFile:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    doc_id = doc_id or f"kb:{path.name}"
    digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    entities: dict[str, Entity] = {}
    relations: list[Relation] = []
    problems: list[LoadProblem] = []
    for item in read_triples(path, delimiter):
        if isinstance(item, LoadProblem):
            problems.append(item)
            continue
        line, (subject, predicate, obj) = item
        ids = []
        for name in (subject, obj):
            key = normalize_name(name)
            if not key:
                break
            eid = entity_id(key)
            if eid not in entities:
                entities[eid] = Entity(eid, name, KB_ENTITY_TYPE, [name])
            elif name not in entities[eid].aliases:
                entities[eid].aliases.append(name)
            ids.append(eid)
        if len(ids) != 2:
            problems.append(LoadProblem(str(path), line, "an entity name has no letters or digits"))
            continue
        relations.append(Relation(ids[0], predicate, ids[1], "kb", doc_id, "", line, line))
    if not relations:
        raise InputError(f"{path}: no valid triples ({len(problems)} malformed lines)")
    doc = Document(
        id=doc_id,
        text="",
        title=path.name,
        source=str(path),
        metadata={"kind": "triples", "triples": len(relations)},
        content_hash=digest,
    )
    batch = GraphBatch(documents=[doc], entities=list(entities.values()), relations=relations)
    return TripleFile(batch, problems)
