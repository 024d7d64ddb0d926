"""One error root for everything kgqa raises on purpose.

The service maps these to HTTP status codes in one handler; the CLI maps them to exit codes.
Driver and model errors are wrapped with ``raise ... from e`` so the cause stays visible.
"""

from __future__ import annotations


class KGQAError(Exception):
    """Root of every error kgqa raises deliberately."""


class ConfigError(KGQAError):
    """A setting is missing, invalid, or points at something that does not exist."""


class InputError(KGQAError):
    """The caller's input (a file, a question, a request body) is unusable; the message says why."""


class NotFoundError(KGQAError):
    """An id (document, entity, chunk) is not in the store."""


class GraphStoreError(KGQAError):
    """The graph store failed or refused an operation."""


class GraphWriteConflict(GraphStoreError):
    """A write lost a race with another writer of the same store (a deadlock, or both created
    the same unique node); the transaction was rolled back, so retrying it is safe."""


class GraphStoreUnavailable(GraphStoreError):
    """The store is unreachable, rejected our credentials, or is locked by another process."""


class ModelError(KGQAError):
    """A model (embedder, NER, reader) is missing or failed to load or run."""


class ReaderError(ModelError):
    """The LLM reader failed to produce an answer.

    ``partial`` carries the answer object with the retrieved evidence (and no text), so a
    service can still return what was found."""

    partial: object = None


class ReaderTimeout(ReaderError):
    """The LLM reader did not answer within the configured time."""
