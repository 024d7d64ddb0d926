"""The GraphStore behaviour, written once for every Cypher engine.

Backends (``Neo4jGraphStore``, ``LadybugGraphStore``) only say how to run a statement, how to
open a write transaction and which dialect folder of ``cypher/`` to use; everything else —
replacement semantics, integrity checks, orphan removal, aggregation, ordering — lives here,
so the two behave identically by construction and the contract suite checks it.
"""

from __future__ import annotations

import json
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from kgqa.domain import Chunk, Document, Entity, Fact, GraphBatch, Mention, Relation
from kgqa.errors import GraphStoreError, InputError
from kgqa.graph.base import MAX_LIST_LIMIT, MAX_LIST_OFFSET, GraphStats, RemovedIds
from kgqa.graph.cypher import cypher_dir, load_query
from kgqa.names import acronym_key, normalize_name

logger = logging.getLogger(__name__)

Rows = list[list[Any]]


class Transaction(Protocol):
    def run(self, query: str, params: dict[str, Any]) -> Rows: ...


class CypherGraphStore(ABC):
    dialect: str

    def __init__(self, write_batch_rows: int = 20_000) -> None:
        self._write_batch_rows = write_batch_rows
        self._resolution_lock = threading.Lock()

    # -- what a backend provides -------------------------------------------------------------
    @abstractmethod
    def _read(self, query: str, params: dict[str, Any]) -> Rows:
        """Run a read-only statement (routed as a read where the engine cares)."""

    @abstractmethod
    def _write_transaction(self) -> AbstractContextManager[Transaction]:
        """A transaction that commits on normal exit and rolls back on an exception."""

    @abstractmethod
    def _run_schema(self, statement: str) -> None: ...

    # -- helpers ------------------------------------------------------------------------------
    def _q(self, name: str) -> str:
        return load_query(self.dialect, name)

    def _fetch(self, name: str, **params: Any) -> Rows:
        return self._read(self._q(name), params)

    def _unwind(self, tx: Transaction, name: str, rows: Sequence[dict[str, Any]]) -> None:
        query = self._q(name)
        step = self._write_batch_rows
        for i in range(0, len(rows), step):
            tx.run(query, {"rows": list(rows[i : i + step])})

    # -- protocol: set-up -------------------------------------------------------------------
    def init_schema(self) -> None:
        for path in sorted((cypher_dir() / self.dialect).glob("schema_*.cypher")):
            self._run_schema(path.read_text(encoding="utf-8").strip().rstrip(";"))

    def ping(self) -> None:
        self._fetch("ping")

    # -- protocol: writes --------------------------------------------------------------------
    def resolution_lock(self) -> AbstractContextManager[object]:
        """This process's threads take turns; a backend shared by processes overrides it."""
        return self._resolution_lock

    def write(self, batch: GraphBatch) -> RemovedIds:
        doc_ids = [d.id for d in batch.documents]
        if len(set(doc_ids)) != len(doc_ids):
            raise GraphStoreError("a write batch lists the same document twice")
        with self._write_transaction() as tx:
            existing = [r[0] for r in tx.run(self._q("get_document_hashes"), {"ids": doc_ids})]
            old_chunks: set[str] = set()
            candidates: set[str] = set()
            if existing:
                old_chunks, candidates = self._document_footprint(tx, existing)
            self._check_references(tx, batch, old_chunks)
            if existing:
                tx.run(self._q("delete_document_relations"), {"ids": existing})
                tx.run(self._q("delete_chunks"), {"ids": sorted(old_chunks)})
            self._insert(tx, batch)
            orphans = self._remove_orphans(tx, candidates)
            self._after_insert(tx, batch)
            self._bump_version(tx)
        new_chunks = {c.id for c in batch.chunks}
        return RemovedIds(
            chunks=sorted(old_chunks - new_chunks),
            entities=orphans,
            rewritten_chunks=sorted(old_chunks & new_chunks),
        )

    def delete_documents(self, doc_ids: Sequence[str]) -> RemovedIds:
        with self._write_transaction() as tx:
            ids = list(dict.fromkeys(doc_ids))
            found = [r[0] for r in tx.run(self._q("get_document_hashes"), {"ids": ids})]
            if not found:
                return RemovedIds()
            chunks, candidates = self._document_footprint(tx, found)
            tx.run(self._q("delete_document_relations"), {"ids": found})
            tx.run(self._q("delete_chunks"), {"ids": sorted(chunks)})
            tx.run(self._q("delete_documents"), {"ids": found})
            orphans = self._remove_orphans(tx, candidates)
            self._bump_version(tx)
        return RemovedIds(documents=sorted(found), chunks=sorted(chunks), entities=orphans)

    def _after_insert(self, tx: Transaction, batch: GraphBatch) -> None:
        """What a backend writes with a batch in the same transaction (Neo4j: its vectors)."""
        del tx, batch  # nothing by default: Ladybug keeps no vectors

    def _bump_version(self, tx: Transaction) -> None:
        # Last in the transaction: every writer updates this one node, so its lock is held
        # only from here to the commit (concurrent writers queue on it for that moment only).
        tx.run(self._q("bump_store_version"), {})

    def _document_footprint(self, tx: Transaction, doc_ids: list[str]) -> tuple[set[str], set[str]]:
        chunks = {r[0] for r in tx.run(self._q("get_document_chunk_ids"), {"ids": doc_ids})}
        entities = {r[0] for r in tx.run(self._q("get_document_entities"), {"ids": doc_ids})}
        for s, o in tx.run(self._q("get_document_relation_entities"), {"ids": doc_ids}):
            entities.update((s, o))
        return chunks, entities

    def _check_references(self, tx: Transaction, batch: GraphBatch, dying: set[str]) -> None:
        """Every mention and relation must point at an entity (and chunk) that will exist."""
        have_entities = {e.id for e in batch.entities}
        wanted = {m.entity_id for m in batch.mentions}
        wanted |= {r.subject_id for r in batch.relations} | {r.object_id for r in batch.relations}
        missing = sorted(wanted - have_entities)
        if missing:
            found = {r[0] for r in tx.run(self._q("get_entities"), {"ids": missing})}
            unknown = [m for m in missing if m not in found]
            if unknown:
                raise GraphStoreError(f"batch refers to unknown entity id(s): {unknown[:5]}")
        have_chunks = {c.id for c in batch.chunks}
        wanted_chunks = sorted({m.chunk_id for m in batch.mentions} - have_chunks)
        if wanted_chunks:
            found = {r[0] for r in tx.run(self._q("get_chunks"), {"ids": wanted_chunks})}
            unknown = [c for c in wanted_chunks if c not in found or c in dying]
            if unknown:
                raise GraphStoreError(f"batch mentions unknown chunk id(s): {unknown[:5]}")

    def _insert(self, tx: Transaction, batch: GraphBatch) -> None:
        self._unwind(tx, "upsert_documents", [_document_row(d) for d in batch.documents])
        titles = {d.id: d.title for d in batch.documents}
        # The title goes on each chunk where a full-text index covers it (Neo4j), as BM25
        # scores "title\ntext"; the Ladybug statement leaves it out.
        chunk_rows = [_chunk_row(c) | {"title": titles.get(c.doc_id, "")} for c in batch.chunks]
        self._unwind(tx, "create_chunks", chunk_rows)
        self._unwind(tx, "link_chunks", chunk_rows)
        entities = _merge_duplicate_entities(batch.entities)
        self._unwind(tx, "upsert_entities", [_entity_row(e) for e in entities])
        key_rows = [{"key": k, "entity_id": e.id} for e in entities for k in entity_keys(e)]
        self._unwind(tx, "upsert_entity_keys", _distinct(key_rows, "key"))
        self._unwind(tx, "link_entity_keys", key_rows)
        self._unwind(tx, "create_mentions", [_mention_row(m) for m in batch.mentions])
        self._create_relations(tx, batch.relations)

    def _create_relations(self, tx: Transaction, relations: Sequence[Relation]) -> None:
        """Write ``relations`` (their entities exist); a backend may send them in its own shape."""
        self._unwind(tx, "create_relations", [_relation_row(r) for r in relations])

    def _remove_orphans(self, tx: Transaction, candidates: set[str]) -> list[str]:
        if not candidates:
            return []
        ids = sorted(candidates)
        orphans = sorted({r[0] for r in tx.run(self._q("find_orphan_entities"), {"ids": ids})})
        if not orphans:
            return []
        keys = sorted(
            {k for row in tx.run(self._q("get_entities"), {"ids": orphans}) for k in _row_keys(row)}
        )
        tx.run(self._q("delete_entities"), {"ids": orphans})
        tx.run(self._q("delete_orphan_keys"), {"keys": keys})
        return orphans

    # -- protocol: reads ---------------------------------------------------------------------
    def document_hashes(self, doc_ids: Sequence[str]) -> dict[str, str]:
        if not doc_ids:
            return {}
        return {r[0]: r[1] for r in self._fetch("get_document_hashes", ids=list(doc_ids))}

    def get_documents(self, doc_ids: Sequence[str]) -> list[Document]:
        rows = {r[0]: r for r in self._fetch("get_documents", ids=list(doc_ids))}
        return [_document(rows[i]) for i in doc_ids if i in rows]

    def list_documents(self, offset: int = 0, limit: int = 100) -> list[Document]:
        check_page(offset, limit)
        return [_document(r) for r in self._fetch("list_documents", offset=offset, limit=limit)]

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        rows = {r[0]: r for r in self._fetch("get_chunks", ids=list(chunk_ids))}
        return [_chunk(rows[i]) for i in chunk_ids if i in rows]

    def iter_chunks(self, batch_size: int = 10_000) -> Iterator[list[Chunk]]:
        for rows in self._pages("page_chunks", batch_size):
            yield [_chunk(r) for r in rows]

    def get_entities(self, entity_ids: Sequence[str]) -> list[Entity]:
        rows = {r[0]: r for r in self._fetch("get_entities", ids=list(entity_ids))}
        return [_entity(rows[i]) for i in entity_ids if i in rows]

    def iter_entities(self, batch_size: int = 10_000) -> Iterator[list[Entity]]:
        for rows in self._pages("page_entities", batch_size):
            yield [_entity(r) for r in rows]

    def find_entities(self, keys: Sequence[str]) -> dict[str, list[Entity]]:
        found: dict[str, dict[str, Entity]] = {}
        for row in self._fetch("find_entities", keys=list(dict.fromkeys(keys))):
            found.setdefault(row[0], {})[row[1]] = _entity(row[1:])
        return {k: [v[i] for i in sorted(v)] for k, v in found.items()}

    def relations_of(self, entity_ids: Sequence[str], limit_per_entity: int) -> list[Fact]:
        ids = list(dict.fromkeys(entity_ids))
        if not ids:
            return []
        wanted = set(ids)
        incoming = [r for r in self._fetch("get_relations_in", ids=ids) if r[0] not in wanted]
        rows = self._fetch("get_relations_out", ids=ids) + incoming  # each edge once
        return aggregate_facts(rows, ids, limit_per_entity)

    def all_facts(self) -> list[Fact]:
        rows = _interned(self._fetch("get_all_relations"))
        groups = _support_groups(rows)
        return [_fact(groups[k]) for k in sorted(groups)]

    def all_entity_keys(self) -> list[str]:
        return sorted(str(row[0]) for row in self._fetch("get_all_entity_keys"))

    def mention_counts(self) -> list[tuple[str, str, int, int]]:
        rows = self._fetch("get_all_mentions")
        return sorted((str(e), str(c), int(n), int(t or 0)) for e, c, n, t in _interned(rows))

    def kb_triples_of(
        self, entity_ids: Sequence[str], limit_per_entity: int
    ) -> list[tuple[str, str, str]]:
        ids = list(dict.fromkeys(entity_ids))
        if not ids:
            return []
        wanted = set(ids)
        rows = self._fetch("get_kb_triples_out", ids=ids, kind="kb")
        incoming = self._fetch("get_kb_triples_in", ids=ids, kind="kb")
        rows += [r for r in incoming if r[0] not in wanted]  # each edge once
        return capped_triples(rows, ids, limit_per_entity)

    def entity_chunk_edges(
        self, entity_ids: Sequence[str] | None = None
    ) -> list[tuple[str, str, int]]:
        if entity_ids is None:
            rows = self._fetch("get_all_entity_chunk_edges")
        else:
            rows = self._fetch("get_entity_chunk_edges", ids=list(dict.fromkeys(entity_ids)))
        return sorted((str(e), str(c), int(n)) for e, c, n in rows)

    def entity_entity_edges(
        self, entity_ids: Sequence[str] | None = None
    ) -> list[tuple[str, str, float]]:
        if entity_ids is None:
            rows = self._fetch("get_all_entity_entity_edges")
        else:
            rows = self._fetch("get_entity_entity_edges", ids=list(dict.fromkeys(entity_ids)))
        return sorted((str(s), str(o), float(w)) for s, o, w in rows)

    def chunk_entities(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        rows = self._fetch("get_chunk_entities", ids=list(dict.fromkeys(chunk_ids)))
        return {c: sorted(set(ids)) for c, ids in rows if ids}

    def has_relations_of_kind(self, kind: str) -> bool:
        return bool(self._fetch("has_relation_kind", kind=kind))

    def topic_chunks(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for entity, chunk in self._fetch("get_topic_chunks", ids=list(dict.fromkeys(entity_ids))):
            out.setdefault(str(entity), []).append(str(chunk))
        return {e: sorted(chunks) for e, chunks in out.items()}

    def version(self) -> int:
        rows = self._fetch("get_store_version")
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def stats(self) -> GraphStats:
        def count(name: str) -> int:
            return int(self._fetch(name)[0][0])

        return GraphStats(
            documents=count("count_documents"),
            chunks=count("count_chunks"),
            entities=count("count_entities"),
            relations=count("count_relations"),
            mentions=count("count_mentions"),
        )

    def _pages(self, name: str, size: int) -> Iterator[Rows]:
        after = ""
        while True:
            rows = self._fetch(name, after=after, limit=size)
            if not rows:
                return
            yield rows
            if len(rows) < size:
                return
            after = rows[-1][0]


def check_page(offset: int, limit: int) -> None:
    """Refuse a page the engines cannot take (see MAX_LIST_OFFSET), naming the bound."""
    if not 0 <= offset <= MAX_LIST_OFFSET:
        raise InputError(f"offset must be between 0 and {MAX_LIST_OFFSET}, got {offset}")
    if not 1 <= limit <= MAX_LIST_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIST_LIMIT}, got {limit}")


Triple = tuple[str, str, str]

# -- rows <-> typed data ----------------------------------------------------------------------


def entity_keys(entity: Entity) -> list[str]:
    """The lookup keys of an entity: its normalised name and aliases, and the acronym keys of
    multi-word names (so "IBM" finds "International Business Machines" in a later run)."""
    names = [entity.name, *entity.aliases]
    keys = {normalize_name(n) for n in names} | {acronym_key(n, entity.type) for n in names}
    return sorted(k for k in keys if k)


def capped_triples(
    rows: Iterable[Sequence[Any]], ids: Sequence[str], limit: int
) -> list[tuple[str, str, str]]:
    """Distinct (subject, predicate, object) triples of support rows, capped per entity of
    ``ids`` as ``aggregate_facts`` caps facts (the best-supported first, then by key)."""
    support: dict[Triple, int] = {}
    for row in rows:
        key = (row[0], row[1], row[2])
        support[key] = support.get(key, 0) + 1
    return sorted(_capped_keys(support, ids, limit))


def _capped_keys(support: Mapping[Triple, int], ids: Sequence[str], limit: int) -> set[Triple]:
    """The triples kept when each entity of ``ids`` keeps its ``limit`` best-supported ones
    (``support``: rows per triple; ties by key); triples touching none of ``ids`` are dropped."""
    touching: dict[str, list[Triple]] = {entity: [] for entity in ids}
    for key in support:
        subject, _, obj = key
        if subject in touching:
            touching[subject].append(key)
        if obj != subject and obj in touching:
            touching[obj].append(key)
    kept: set[Triple] = set()
    for keys in touching.values():
        if len(keys) > limit:
            keys.sort(key=lambda k: (-support[k], k))
            del keys[limit:]
        kept.update(keys)
    return kept


def aggregate_facts(rows: Iterable[Sequence[Any]], ids: Sequence[str], limit: int) -> list[Fact]:
    """One Fact per (subject, predicate, object) from raw support rows, capped per entity: an
    entity of ``ids`` keeps its ``limit`` best-supported facts (ties by key). Facts are built
    for the kept keys only; a hub's thousands of rows cost a grouping, not a Fact each."""
    groups = _support_groups(rows)
    kept = _capped_keys({k: len(v) for k, v in groups.items()}, ids, limit)
    return [_fact(groups[k]) for k in sorted(kept)]


def _support_groups(rows: Iterable[Sequence[Any]]) -> dict[Triple, list[Sequence[Any]]]:
    """Support rows by (subject, predicate, object), each group in row order."""
    groups: dict[Triple, list[Sequence[Any]]] = {}
    for row in rows:
        key = (row[0], row[2], row[4])
        support = groups.get(key)
        if support is None:
            groups[key] = [row]
        else:
            support.append(row)
    return groups


def _interned(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Rows whose equal strings are one object: a whole-store read repeats every entity's id
    and name once per edge, and the read path keeps these rows (``kgqa.retrieval.snapshot``)."""
    pool: dict[str, str] = {}
    return [tuple(pool.setdefault(v, v) if isinstance(v, str) else v for v in row) for row in rows]


def _fact(support: Sequence[Sequence[Any]]) -> Fact:
    """The aggregated fact of one triple's support rows, cited by its first supporting span."""
    row = support[0]
    if len(support) > 1:
        row = min(support, key=lambda r: (r[7] or "", r[8] or 0, r[6] or ""))
    s, s_name, predicate, kind, o, o_name, doc_id, chunk_id, start, end = row[:10]
    # The phrase found for a typed fact (11th column; absent where a caller passes old rows).
    surface = row[10] if len(row) > 10 else ""
    return Fact(
        subject_id=s,
        subject=s_name,
        predicate=predicate,
        object_id=o,
        object=o_name,
        kind=kind,
        count=len(support),
        chunk_id=chunk_id or "",
        doc_id=doc_id or "",
        start=int(start or 0),
        end=int(end or 0),
        surface=surface or "",
    )


def _distinct(rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    seen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row[field], row)
    return list(seen.values())


def _merge_duplicate_entities(entities: Sequence[Entity]) -> list[Entity]:
    merged: dict[str, Entity] = {}
    for e in entities:
        if e.id in merged:
            have = merged[e.id]
            have.aliases = have.aliases + [a for a in e.aliases if a not in have.aliases]
        else:
            merged[e.id] = Entity(e.id, e.name, e.type, list(dict.fromkeys([e.name, *e.aliases])))
    return list(merged.values())


def _document_row(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "source": d.source,
        "lang": d.lang,
        "metadata": json.dumps(d.metadata, sort_keys=True, ensure_ascii=False, default=str),
        "content_hash": d.content_hash,
    }


def _chunk_row(c: Chunk) -> dict[str, Any]:
    return {
        "id": c.id,
        "doc_id": c.doc_id,
        "idx": c.index,
        "text": c.text,
        "start_offset": c.start,
        "end_offset": c.end,
    }


def _entity_row(e: Entity) -> dict[str, Any]:
    return {"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases)}


def _mention_row(m: Mention) -> dict[str, Any]:
    return {
        "chunk_id": m.chunk_id,
        "entity_id": m.entity_id,
        "start_offset": m.start,
        "end_offset": m.end,
        "surface": m.surface,
    }


def _relation_row(r: Relation) -> dict[str, Any]:
    return {
        "s": r.subject_id,
        "o": r.object_id,
        "predicate": r.predicate,
        "kind": r.kind,
        "doc_id": r.doc_id,
        "chunk_id": r.chunk_id,
        "start_offset": r.start,
        "end_offset": r.end,
        "weight": float(r.weight),
        "surface": r.surface,
    }


def _document(row: Sequence[Any]) -> Document:
    doc_id, title, source, lang, metadata, content_hash = row
    return Document(
        id=doc_id,
        text="",
        title=title or "",
        source=source or "",
        lang=lang or "en",
        metadata=json.loads(metadata) if metadata else {},
        content_hash=content_hash or "",
    )


def _chunk(row: Sequence[Any]) -> Chunk:
    chunk_id, doc_id, idx, text, start, end = row
    return Chunk(chunk_id, doc_id, int(idx), text, int(start), int(end))


def _entity(row: Sequence[Any]) -> Entity:
    entity_id, name, type_, aliases = row[:4]
    return Entity(entity_id, name, type_ or "", sorted(aliases or []))


def _row_keys(row: Sequence[Any]) -> list[str]:
    return entity_keys(_entity(row))
