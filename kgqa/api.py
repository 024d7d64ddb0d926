"""The Python API: one object to ingest documents and ask questions, small enough to embed in a
chatbot. The CLI and the HTTP service build the same object.

Example::

    from kgqa import KGQA

    with KGQA.open(data_dir="kgqa-data") as kg:
        kg.ingest(["samples/docs"])
        answer = kg.ask("Where was Marie Curie born?")
        print(answer.text, [c.title for c in answer.citations])

        chat = kg.conversation()
        chat.ask("Who was Pierre Curie married to?")
        chat.ask("Where was she born?")          # "she" resolves to the previous turn's entity

Thread-safe: concurrent ``ask`` calls are fine; models load once, on first use.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgqa.answering import StreamEvent
from kgqa.domain import Answer, Document, Entity, Fact
from kgqa.errors import InputError, NotFoundError
from kgqa.graph.base import RemovedIds
from kgqa.reader.base import ChatMessage, Reader
from kgqa.retrieval.engine import Evidence
from kgqa.settings import Settings
from kgqa.wiring import Components, build_components

if TYPE_CHECKING:
    from ingest.load import LoadOptions
    from ingest.pipeline import IngestReport, ProgressCallback
    from kgqa.relation_examples.learn import LearnReport, QaPair


class KGQA:
    """The public calls over one set of components (``kgqa.wiring.Components``); callers
    never reach the components through it. ``KGQA.open`` builds them from settings."""

    def __init__(self, components: Components) -> None:
        self.settings = components.settings
        self._parts = components
        self._store = components.store
        self._retriever = components.retriever
        self._answerer = components.answerer
        self._pipeline = components.pipeline
        self._fingerprint = components.fingerprint
        self._write_lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings | None = None, **overrides: Any) -> KGQA:
        """Open the configured store (``Settings()`` reads env and config file).
        Keyword overrides are settings fields: ``KGQA.open(data_dir="x")``."""
        if settings is None:
            settings = Settings(**overrides)
        elif overrides:
            settings = settings.model_copy(update=overrides)
        return cls(build_components(settings))

    def close(self) -> None:
        self._parts.close()

    def __enter__(self) -> KGQA:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def use_reader(self, reader: Reader) -> None:
        """Swap the reader (e.g. an ExtractiveReader in evaluations)."""
        self._parts.reader.use(reader)

    # -- write path ----------------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[str | Path],
        options: LoadOptions | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Load, extract and index files/directories ("-" is stdin). Unchanged documents are
        skipped, changed ones replaced; problems are reported, not raised."""
        from ingest.load import LoadOptions, iter_documents

        options = options or LoadOptions(
            text_field=self.settings.ingest.jsonl_text_field,
            id_field=self.settings.ingest.jsonl_id_field,
            title_field=self.settings.ingest.jsonl_title_field,
            max_bytes=self.settings.ingest.max_document_bytes,
        )
        return self.ingest_documents(iter_documents(paths, options), on_progress)

    def ingest_documents(
        self, documents: Iterable[Any], on_progress: ProgressCallback | None = None
    ) -> IngestReport:
        with self._write_lock:
            try:
                return self._pipeline.run(documents, on_progress)
            finally:
                self._fingerprint.bump()

    def ingest_text(
        self, text: str, title: str = "", doc_id: str | None = None, **metadata: Any
    ) -> Document:
        """Ingest one text; returns the stored document (its id is content-derived if not given)."""
        from ingest.load.base import make_document

        if not text.strip():
            raise InputError("the document text is empty")
        doc = make_document(text, "api", title=title, doc_id=doc_id, metadata=metadata)
        report = self.ingest_documents([doc])
        if report.problems:
            raise InputError(str(report.problems[0]))
        return doc

    def ingest_triples(
        self, files: Sequence[str | Path], on_progress: ProgressCallback | None = None
    ) -> IngestReport:
        from ingest.pipeline import IngestReport
        from ingest.triples import load_triple_file

        report = IngestReport()
        with self._write_lock:
            try:
                for file in files:
                    triple_file = load_triple_file(Path(file))
                    report.problems.extend(triple_file.problems)
                    report.documents_seen += 1
                    self._pipeline.ingest_triples(triple_file.batch, report)
                    if on_progress is not None:
                        on_progress(report)
            finally:
                self._fingerprint.bump()
        return report

    def delete_documents(self, doc_ids: Sequence[str]) -> RemovedIds:
        with self._write_lock:
            try:
                return self._pipeline.delete(doc_ids)
            finally:
                self._fingerprint.bump()

    def learn_relations(
        self,
        pairs: str | Path | Sequence[QaPair],
        max_hops: int = 3,
        progress: Callable[[int, int], None] | None = None,
    ) -> LearnReport:
        """Learn which relation paths questions ask for from question-answer pairs over the
        imported KB (a file or ``QaPair``s; see ``kgqa.relation_examples.learn``) and add them to
        ``<data_dir>/relation_examples.jsonl``, which KB answers use from the next question on.
        Examples of a wording these pairs contain replace earlier examples of that wording."""
        from kgqa.relation_examples.examples import read_examples, write_examples
        from kgqa.relation_examples.learn import learn_examples, read_qa_pairs

        if isinstance(pairs, str | Path):
            pairs = read_qa_pairs(Path(pairs))
        path = self.settings.relation_examples_path
        with self._write_lock:
            learned, report = learn_examples(self._store, pairs, max_hops, progress=progress)
            # What these pairs teach about a wording replaces what was known of it: learning
            # the same file twice changes nothing.
            wordings = {e.question for e in learned}
            kept = [e for e in read_examples(path) if e.question not in wordings]
            write_examples(path, kept + learned)
            report.examples = len(kept) + len(learned)
        return report

    # -- reads -------------------------------------------------------------------------------
    def list_documents(self, offset: int = 0, limit: int = 100) -> list[Document]:
        return self._store.list_documents(offset, limit)

    def get_document(self, doc_id: str) -> Document:
        found = self._store.get_documents([doc_id])
        if not found:
            raise NotFoundError(f"no document with id {doc_id!r}")
        return found[0]

    def entity(self, entity_id: str, limit: int = 50) -> tuple[Entity, list[Fact]]:
        found = self._store.get_entities([entity_id])
        if not found:
            raise NotFoundError(f"no entity with id {entity_id!r}")
        return found[0], self._store.relations_of([entity_id], limit)

    def health(self) -> None:
        """Raises GraphStoreUnavailable when the store cannot be reached."""
        self._store.ping()

    def stats(self) -> dict[str, Any]:
        counts: dict[str, Any] = self._store.stats().as_dict()
        counts["vectors"] = self._parts.vectors.counts()
        return counts

    # -- questions ---------------------------------------------------------------------------
    def warm_up(self, question: str = "Where was Marie Curie born?") -> None:
        """Load the models and indexes and hold the store's graph in memory now, so the next
        questions run at full speed (a server calls it at start; otherwise the first questions
        load them). Example: ``kg.warm_up()``."""
        self._retriever.warm_up(self._check_question(question))

    def retrieve(
        self,
        question: str,
        top_k: int | None = None,
        history: Sequence[ChatMessage] = (),
        dense_only: bool = False,
    ) -> Evidence:
        question = self._check_question(question)
        context = self._context_entities(self._recent(history))
        return self._retriever.retrieve(question, top_k, context, dense_only=dense_only)

    def ask(
        self, question: str, history: Sequence[ChatMessage] = (), top_k: int | None = None
    ) -> Answer:
        """Answer from the evidence only, citing it; abstains when nothing supports an answer.
        Raises ReaderError (with ``.partial`` holding the evidence) if the reader fails."""
        evidence = self.retrieve(question, top_k, history)
        return self._answerer.answer(evidence, self._recent(history))

    def answer(self, evidence: Evidence, history: Sequence[ChatMessage] = ()) -> Answer:
        """Answer from evidence already retrieved (``retrieve``), e.g. to score both steps."""
        return self._answerer.answer(evidence, self._recent(history))

    def stream(
        self,
        question: str,
        history: Sequence[ChatMessage] = (),
        top_k: int | None = None,
        evidence: Evidence | None = None,
    ) -> Generator[StreamEvent, None, None]:
        """ "evidence", then "token"s, then one "answer". Pass ``evidence`` from ``retrieve``
        to validate and retrieve before streaming starts (the service does, so bad input is a
        plain 4xx)."""
        if evidence is None:
            evidence = self.retrieve(question, top_k, history)
        yield from self._answerer.stream(evidence, self._recent(history))

    async def aask(
        self, question: str, history: Sequence[ChatMessage] = (), top_k: int | None = None
    ) -> Answer:
        return await asyncio.to_thread(self.ask, question, history, top_k)

    async def astream(
        self,
        question: str,
        history: Sequence[ChatMessage] = (),
        top_k: int | None = None,
        evidence: Evidence | None = None,
    ) -> AsyncIterator[StreamEvent]:
        """The events of ``stream``, produced on a worker thread.

        Closing this generator early (a client gone, a deadline passed) stops the worker at its
        next event: it closes ``stream``, so the answerer and the reader stop being pulled, and
        the close returns only once the worker has ended, so a caller that holds a slot for the
        stream (the service's admission) frees it when the generation stopped, not before."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[StreamEvent | BaseException | None] = asyncio.Queue()
        stop = threading.Event()

        def hand_over(item: StreamEvent | BaseException | None) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop closed: nobody is listening any more
                stop.set()

        def produce() -> None:
            events = self.stream(question, history, top_k, evidence)
            try:
                for event in events:
                    if stop.is_set():
                        break
                    hand_over(event)
            except BaseException as e:  # noqa: BLE001 - handed to the consumer
                hand_over(e)
            finally:
                events.close()
                hand_over(None)

        worker = loop.run_in_executor(None, produce)
        try:
            while True:
                item = await queue.get()
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            # Shielded: a second cancellation must not leave the worker running unseen.
            await asyncio.shield(worker)

    def conversation(self) -> Conversation:
        return Conversation(self, self.settings.chat.history_messages)

    def _check_question(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InputError("the question is empty")
        limit = self.settings.service.max_question_chars
        if len(question) > limit:
            raise InputError(f"the question has {len(question)} characters; the limit is {limit}")
        return question.strip()

    def _recent(self, history: Sequence[ChatMessage]) -> list[ChatMessage]:
        """The messages of ``history`` that count (``Settings.chat.history_messages``)."""
        window = self.settings.chat.history_messages
        return list(history)[-window:] if window else []

    def _context_entities(self, recent: Sequence[ChatMessage]) -> list[str]:
        """Entity names from the recent turns, for follow-ups such as "Where was she born?":
        those of the latest user turn that names any, else those of the latest answers."""
        recent = list(recent)[::-1]
        for role in ("user", "assistant"):
            for message in recent:
                if message.role != role:
                    continue
                names = [le.entity.name for le in self._retriever.link(message.content)]
                if names:
                    return list(dict.fromkeys(names))
        return []


class Conversation:
    """A multi-turn chat over one KGQA: keeps the history and resolves follow-ups."""

    def __init__(self, kg: KGQA, max_messages: int) -> None:
        self._kg = kg
        self._max_messages = max_messages
        self.history: list[ChatMessage] = []
        self._lock = threading.Lock()

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        with self._lock:
            history = list(self.history)
        answer = self._kg.ask(question, history, top_k)
        self._remember(question, answer.text)
        return answer

    def stream(self, question: str, top_k: int | None = None) -> Iterator[StreamEvent]:
        with self._lock:
            history = list(self.history)
        for event in self._kg.stream(question, history, top_k):
            if event.kind == "answer" and event.answer is not None:
                self._remember(question, event.answer.text)
            yield event

    def _remember(self, question: str, answer: str) -> None:
        with self._lock:
            self.history += [ChatMessage("user", question), ChatMessage("assistant", answer)]
            self.history = self.history[-self._max_messages :] if self._max_messages else []
