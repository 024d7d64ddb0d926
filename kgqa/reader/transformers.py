"""Hugging Face transformers (torch): the GPU hot path, and a CPU fallback.

- Any local model directory, or a GGUF file (dequantized once, then cached as safetensors under
  the data directory so a restart loads in a fraction of the time).
- One device/dtype decision: CUDA -> bf16 where supported, else fp16; CPU -> fp32, optionally with
  dynamic int8 quantization of the Linear layers.
- Concurrent single requests are batched: a worker thread collects requests for up to
  ``batch_wait_ms`` or ``max_batch_size``, left-pads them and runs one ``generate``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import shutil
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgqa.errors import ModelError, ReaderError, ReaderTimeout
from kgqa.reader.base import ChatPrompt

logger = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class DevicePlan:
    device: str
    dtype_name: str  # "float32" | "float16" | "bfloat16"
    quantize_int8: bool


def plan_device(
    device: str, dtype: str, quantize_int8: bool, cuda_available: bool, bf16_ok: bool
) -> DevicePlan:
    """Decide device and dtype once, from settings and what the machine offers."""
    chosen = ("cuda" if cuda_available else "cpu") if device == "auto" else device
    if chosen == "cuda" and not cuda_available:
        raise ModelError("KGQA_READER__DEVICE=cuda, but torch sees no CUDA device")
    if dtype == "auto":
        dtype = ("bfloat16" if bf16_ok else "float16") if chosen == "cuda" else "float32"
    if chosen == "cpu" and dtype != "float32":
        logger.warning("%s on CPU is slow or unsupported; using float32", dtype)
        dtype = "float32"
    # Dynamic int8 quantization is a CPU technique; on CUDA the half dtypes are the fast path.
    return DevicePlan(chosen, dtype, quantize_int8 and chosen == "cpu")


@dataclass(slots=True)
class _Request:
    prompt: ChatPrompt
    max_new_tokens: int
    future: Future[str]


class TransformersReader:
    name = "transformers"

    def __init__(
        self,
        model_path: Path,
        cache_dir: Path,
        device: str = "auto",
        dtype: str = "auto",
        quantize_int8: bool = False,
        max_batch_size: int = 8,
        batch_wait_ms: float = 10.0,
        timeout_s: float = 60.0,
        repetition_penalty: float = 1.1,
    ) -> None:
        self._model_path = Path(model_path)
        self._cache_dir = Path(cache_dir)
        self._device = device
        self._dtype = dtype
        self._quantize_int8 = quantize_int8
        self._max_batch_size = max_batch_size
        self._batch_wait_s = batch_wait_ms / 1000.0
        self._timeout_s = timeout_s
        self._repetition_penalty = repetition_penalty
        self._model: Any = None
        self._tokenizer: Any = None
        self._plan: DevicePlan | None = None
        self._load_lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self.last_stream_thread: threading.Thread | None = None  # the latest stream's, for tests
        self.loaded_from_cache = False

    # -- loading ---------------------------------------------------------------------------
    def warm_up(self) -> None:
        with self._load_lock:
            if self._model is not None:
                return
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

            cuda = torch.cuda.is_available()
            plan = plan_device(
                self._device,
                self._dtype,
                self._quantize_int8,
                cuda,
                cuda and torch.cuda.is_bf16_supported(),
            )
            directory = self._model_dir(AutoModelForCausalLM, AutoTokenizer)
            try:
                tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
                model = AutoModelForCausalLM.from_pretrained(
                    directory, dtype=getattr(torch, plan.dtype_name), local_files_only=True
                )
            except (OSError, ValueError) as e:
                raise ModelError(f"cannot load the reader model from {directory}: {e}") from e
            # transformers types ``to`` through a decorator that mypy reads as unbound.
            model.to(plan.device)  # type: ignore[arg-type]
            model.eval()
            if plan.quantize_int8:
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8
                )
            tokenizer.padding_side = "left"  # decoder-only batches pad on the left
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token
            self._tokenizer, self._model, self._plan = tokenizer, model, plan
            logger.info("reader %s on %s/%s", directory, plan.device, plan.dtype_name)

    def _model_dir(self, model_cls: Any, tokenizer_cls: Any) -> str:
        """A model directory; a GGUF file is dequantized once into a cached directory."""
        if self._model_path.is_dir():
            return str(self._model_path)
        if self._model_path.suffix != ".gguf" or not self._model_path.is_file():
            raise ModelError(
                f"reader model {self._model_path} is neither a model directory nor a .gguf file"
            )
        stat = self._model_path.stat()
        tag = hashlib.blake2b(
            f"{self._model_path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode(),
            digest_size=6,
        ).hexdigest()
        cached = self._cache_dir / f"{self._model_path.stem}-{tag}"
        if (cached / "config.json").is_file():
            self.loaded_from_cache = True
            return str(cached)
        logger.info("dequantizing %s once; cached at %s", self._model_path.name, cached)
        source, name = str(self._model_path.parent), self._model_path.name
        try:
            model = model_cls.from_pretrained(source, gguf_file=name)
            tokenizer = tokenizer_cls.from_pretrained(source, gguf_file=name)
        except (OSError, ValueError) as e:
            raise ModelError(f"cannot read GGUF {self._model_path}: {e}") from e
        # The weights are plain tensors now; drop the GGUF marker so they can be saved.
        model.hf_quantizer = None
        model.is_quantized = False
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        tmp = cached.with_name(cached.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        os.replace(tmp, cached)
        return str(cached)

    def close(self) -> None:
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout=5)
            self._worker = None

    # -- generation ------------------------------------------------------------------------
    def generate(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        self.warm_up()
        if len(prompts) != 1 or self._max_batch_size <= 1:
            with self._model_lock:
                return self._generate_batch(list(prompts), max_new_tokens)
        # A single request joins whatever other threads are asking right now.
        future: Future[str] = Future()
        self._ensure_worker()
        self._queue.put(_Request(prompts[0], max_new_tokens, future))
        try:
            return [future.result(timeout=self._timeout_s)]
        except FutureTimeout as e:
            raise ReaderTimeout(f"the reader did not answer within {self._timeout_s:.0f} s") from e

    def _ensure_worker(self) -> None:
        with self._load_lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._serve, name="reader-batcher", daemon=True
                )
                self._worker.start()

    def _serve(self) -> None:
        import time

        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.monotonic() + self._batch_wait_s
            while len(batch) < self._max_batch_size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    item = self._queue.get(timeout=remaining)
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            try:
                with self._model_lock:
                    texts = self._generate_batch(
                        [r.prompt for r in batch], max(r.max_new_tokens for r in batch)
                    )
                for request, text in zip(batch, texts, strict=True):
                    request.future.set_result(text)
            except Exception as e:  # noqa: BLE001 - every waiting caller must hear of it
                for request in batch:
                    request.future.set_exception(ReaderError(f"generation failed: {e}"))

    def _inputs(self, prompts: Sequence[ChatPrompt]) -> Any:
        texts = [
            self._tokenizer.apply_chat_template(
                [m.as_dict() for m in p], tokenize=False, add_generation_prompt=True
            )
            for p in prompts
        ]
        assert self._plan is not None
        return self._tokenizer(texts, return_tensors="pt", padding=True).to(self._plan.device)

    def _generate_batch(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        import torch

        inputs = self._inputs(prompts)
        with torch.inference_mode():
            output = self._model.generate(
                **inputs,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                repetition_penalty=self._repetition_penalty,
                pad_token_id=self._tokenizer.pad_token_id,
            )
        new_tokens = output[:, inputs["input_ids"].shape[1] :]
        return [
            t.strip() for t in self._tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        ]

    def stream(self, prompt: ChatPrompt, max_new_tokens: int) -> Iterator[str]:
        """Pieces of the answer as they are generated. Closing the iterator early (a client
        that hung up, a caller that has its first sentence) stops ``generate`` at its next
        token, so an abandoned stream does not hold the model for the rest of its tokens."""
        import torch
        from transformers import StoppingCriteriaList, TextIteratorStreamer

        self.warm_up()
        streamer = TextIteratorStreamer(
            self._tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=self._timeout_s
        )
        inputs = self._inputs([prompt])
        errors: list[BaseException] = []
        abandoned = threading.Event()

        def run() -> None:
            try:
                with self._model_lock, torch.inference_mode():
                    self._model.generate(
                        **inputs,
                        max_new_tokens=max_new_tokens,
                        do_sample=False,
                        repetition_penalty=self._repetition_penalty,
                        streamer=streamer,
                        stopping_criteria=StoppingCriteriaList([_StopWhenSet(abandoned)]),
                        pad_token_id=self._tokenizer.pad_token_id,
                    )
            except BaseException as e:  # noqa: BLE001 - reported to the consumer below
                errors.append(e)
                streamer.end()

        thread = threading.Thread(target=run, daemon=True)
        self.last_stream_thread = thread
        thread.start()
        try:
            for piece in streamer:
                if piece:
                    yield piece
        except queue.Empty as e:
            raise ReaderTimeout(f"the reader stalled for {self._timeout_s:.0f} s") from e
        finally:
            # Reached on normal end, on a timeout, and on close() (GeneratorExit at the yield).
            abandoned.set()
        thread.join()
        if errors:
            raise ReaderError(f"generation failed: {errors[0]}") from errors[0]


class _StopWhenSet:
    """A transformers stopping criterion: every sequence is done once ``event`` is set."""

    def __init__(self, event: threading.Event) -> None:
        self._event = event

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        done = self._event.is_set()
        return torch.full((input_ids.shape[0],), done, dtype=torch.bool, device=input_ids.device)
