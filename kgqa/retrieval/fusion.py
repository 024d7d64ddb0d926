"""Weighted reciprocal rank fusion of several ranked lists of ids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[str]],
    weights: Mapping[str, float],
    k: int = 60,
) -> list[tuple[str, float, tuple[str, ...]]]:
    """Fuse ranked id lists: score(id) = sum over lists of weight / (k + rank), rank from 1.

    Returns (id, score, names of the lists that ranked it), best first; ties broken by the id so
    the order is deterministic. Lists with weight 0 (or missing from ``weights``) are ignored.

    >>> reciprocal_rank_fusion({"a": ["x", "y"], "b": ["y"]}, {"a": 1.0, "b": 1.0}, k=1)[0][0]
    'y'
    """
    scores: dict[str, float] = {}
    found_by: dict[str, list[str]] = {}
    for name, ranking in rankings.items():
        weight = weights.get(name, 0.0)
        if weight <= 0:
            continue
        seen: set[str] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            found_by.setdefault(item, []).append(name)
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(item, score, tuple(found_by[item])) for item, score in ordered]
