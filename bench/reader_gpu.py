"""The reader's GPU hot path: transformers generation in bf16 on CUDA at 1, 8 and 32 concurrent
requests, as the TransformersReader runs them (its batcher left-pads concurrent requests into one
``generate``). Prints one JSON line per batch size: tokens/s and time to first token.

Speed does not depend on weight values, so without the real weights the model is built from its
config with random weights (a Qwen2.5-0.5B-Instruct-shaped config is built in; ``--config`` takes
a local config.json or model directory). The same script runs unchanged on any CUDA machine with
torch:

    python bench/reader_gpu.py                           # random Qwen2.5-0.5B shape, bf16, CUDA
    python bench/reader_gpu.py --model /models/qwen-0.5b # a local model directory, real weights
    python bench/reader_gpu.py --device cpu --tiny       # a seconds-long smoke run on CPU

Without a CUDA device (and without ``--device cpu``) it says so and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

# Qwen2.5-0.5B-Instruct's shape (its config.json), the size class of kgqa's readers.
QWEN_05B = {
    "hidden_size": 896,
    "intermediate_size": 4864,
    "num_hidden_layers": 24,
    "num_attention_heads": 14,
    "num_key_value_heads": 2,
    "vocab_size": 151936,
    "max_position_embeddings": 32768,
    "rope_theta": 1000000.0,
    "rms_norm_eps": 1e-6,
    "tie_word_embeddings": True,
}
# A model small enough to run the whole path on a CPU in seconds.
TINY = {
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 1024,
    "max_position_embeddings": 2048,
    "tie_word_embeddings": True,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", type=Path, help="a local model directory (real weights)")
    p.add_argument("--config", type=Path, help="a local config.json or model directory")
    p.add_argument("--tiny", action="store_true", help="a tiny random model (smoke runs)")
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"])
    p.add_argument("--batches", default="1,8,32", help="concurrent requests per setting")
    p.add_argument("--prompt-tokens", type=int, default=768, help="evidence prompt length")
    p.add_argument("--new-tokens", type=int, default=32, help="tokens generated per request")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per setting (median)")
    return p.parse_args(argv)


def build_model(args: argparse.Namespace, torch: Any) -> tuple[Any, str]:
    from transformers import AutoConfig, AutoModelForCausalLM, Qwen2Config

    dtype = getattr(torch, args.dtype)
    if args.model is not None:
        model = AutoModelForCausalLM.from_pretrained(args.model, dtype=dtype, local_files_only=True)
        return model, str(args.model)
    if args.config is not None:
        config = AutoConfig.from_pretrained(args.config, local_files_only=True)
        source = f"random weights, config {args.config}"
    else:
        shape = TINY if args.tiny else QWEN_05B
        config = Qwen2Config(**shape)
        source = "random weights, " + ("tiny config" if args.tiny else "Qwen2.5-0.5B config")
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    return model, source


class _FirstToken:
    """A stopping criterion that never stops: it notes when the first new token exists."""

    def __init__(self) -> None:
        self.at: float | None = None

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        if self.at is None:
            if input_ids.is_cuda:
                torch.cuda.synchronize()
            self.at = time.perf_counter()
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)


def run_setting(model: Any, torch: Any, batch: int, args: argparse.Namespace) -> dict[str, Any]:
    from transformers import StoppingCriteriaList

    vocab = model.config.vocab_size
    generator = torch.Generator().manual_seed(batch)
    ids = torch.randint(3, vocab, (batch, args.prompt_tokens), generator=generator)
    # Concurrent requests differ in length: left padding as the reader's batcher does it.
    mask = torch.ones_like(ids)
    for row in range(batch):
        pad = (row * 7) % max(1, args.prompt_tokens // 8)
        mask[row, :pad] = 0
    ids, mask = ids.to(args.device), mask.to(args.device)
    runs = []
    for _ in range(args.repeats + 1):  # the first run warms kernels and the allocator up
        first = _FirstToken()
        if args.device == "cuda":
            torch.cuda.synchronize()
        started = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=args.new_tokens,
                min_new_tokens=args.new_tokens,
                do_sample=False,
                pad_token_id=0,
                stopping_criteria=StoppingCriteriaList([first]),
            )
        if args.device == "cuda":
            torch.cuda.synchronize()
        total = time.perf_counter() - started
        new = (out.shape[1] - ids.shape[1]) * batch
        runs.append((total, (first.at or started) - started, new))
    runs = sorted(runs[1:])
    total, ttft, new = runs[len(runs) // 2]
    decode = total - ttft
    return {
        "batch": batch,
        "prompt_tokens": args.prompt_tokens,
        "new_tokens": args.new_tokens,
        "tokens_per_s": round(new / total, 1),
        "decode_tokens_per_s": round((new - batch) / decode, 1) if decode > 0 else None,
        "ttft_ms": round(ttft * 1000, 1),
        "request_ms": round(total * 1000, 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        print("reader_gpu: torch is not installed (pip install torch)", file=sys.stderr)
        return 2
    if args.device == "cuda" and not torch.cuda.is_available():
        print(
            "reader_gpu: no CUDA device (torch.cuda.is_available() is False); run it on a GPU "
            "machine, or use --device cpu --tiny for a smoke run",
            file=sys.stderr,
        )
        return 2
    if args.device == "cpu" and args.dtype != "float32" and args.tiny:
        args.dtype = "float32"  # half precision on CPU measures nothing useful
    if args.device == "cuda" and args.dtype == "bfloat16" and not torch.cuda.is_bf16_supported():
        print("reader_gpu: this GPU has no bf16; use --dtype float16", file=sys.stderr)
        return 2
    try:
        model, source = build_model(args, torch)
    except (OSError, ValueError) as e:
        print(f"reader_gpu: cannot build the model: {e}", file=sys.stderr)
        return 2
    model.to(args.device).eval()
    device_name = torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu"
    params = sum(p.numel() for p in model.parameters())
    for batch in (int(b) for b in args.batches.split(",") if b.strip()):
        result = run_setting(model, torch, batch, args)
        result.update(
            device=device_name,
            dtype=args.dtype,
            model=source,
            parameters=params,
            torch=torch.__version__,
        )
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
