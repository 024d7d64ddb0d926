"""Imports go one way: core <- ingest and retrieval <- answering <- wiring <- api <- entry points.

Every module of ``kgqa`` and ``ingest`` is parsed with ``ast`` (lazy imports inside functions
and ``TYPE_CHECKING`` blocks count too) and each import checked against its layer. The write
path (``ingest``) and the read path (``kgqa.retrieval``) sit on one level and never import each
other: what both need belongs in the core. A new module fails here until it is given a layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# (module prefix, group, level); the longest matching prefix wins.
LAYERS: list[tuple[str, str, int]] = [
    *(
        (f"kgqa.{m}", "core", 0)
        for m in (
            "domain",
            "errors",
            "settings",
            "names",
            "language",
            "atomic_file",
            "graph",
            "vectors",
            "embedding",
            "keyword",
            # Relation examples: learned by ingest-side pairs, matched by the KB answerer.
            "relation_examples",
        )
    ),
    ("ingest", "ingest", 1),
    ("kgqa.retrieval", "retrieval", 1),
    ("kgqa.reader", "answering", 2),
    ("kgqa.answering", "answering", 2),
    ("kgqa.answers", "answering", 2),  # the answer stage's parts (question types, candidates)
    ("kgqa.wiring", "wiring", 3),
    ("kgqa.api", "api", 4),
    ("kgqa", "api", 4),  # the package itself: ``from kgqa import KGQA``
    ("kgqa.evaluation", "entry", 5),
    ("kgqa.service", "entry", 5),
    ("kgqa.cli", "entry", 5),
]


def layer_of(module: str) -> tuple[str, int] | None:
    best: tuple[str, str, int] | None = None
    for prefix, group, level in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, group, level)
    return None if best is None else (best[1], best[2])


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[str, int]]:
    """(imported module, line) for every import in ``source`` of our two packages."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:  # relative: resolve against this module's package
                parts = module.split(".")
                base = parts if is_package else parts[:-1]
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, name] if name else base)
            found.append((name, node.lineno))
    return [(m, line) for m, line in found if m.split(".")[0] in ("kgqa", "ingest")]


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    own = layer_of(module)
    if own is None:
        return [f"{module}: no layer; add it to LAYERS in {Path(__file__).name}"]
    group, level = own
    wrong = []
    for target, line in imported_modules(source, module, is_package):
        theirs = layer_of(target)
        if theirs is None:
            wrong.append(f"{module}:{line} imports {target}, which has no layer")
            continue
        t_group, t_level = theirs
        if t_group == group or t_level < level:
            continue
        if t_level == level == 5:  # entry points may share (the CLI prints the API's schemas)
            continue
        wrong.append(
            f"{module}:{line} ({group}, level {level}) imports {target} "
            f"({t_group}, level {t_level})"
        )
    return wrong


def package_modules() -> list[tuple[str, Path]]:
    modules = []
    for root in ("kgqa", "ingest"):
        for path in sorted((REPO / root).rglob("*.py")):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules.append((".".join(parts), path))
    return modules


def test_every_module_imports_only_its_own_layer_or_below() -> None:
    modules = package_modules()
    assert len(modules) > 50
    wrong = [
        v
        for module, path in modules
        for v in violations(module, path.read_text(encoding="utf-8"), path.stem == "__init__")
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("kgqa.retrieval.dense", "from ingest.pipeline import passage_text"),
        ("ingest.pipeline", "def f():\n    from kgqa.retrieval.engine import Evidence"),
        ("kgqa.graph.neo4j", "import kgqa.api"),
        ("kgqa.answering", "from kgqa.wiring import Components"),
        ("kgqa.api", "from kgqa.service.app import create_app"),
        ("kgqa.retrieval.new_part", "from . import engine\nfrom ..cli import main"),
    ],
)
def test_a_wrong_import_is_caught(module: str, source: str) -> None:
    assert violations(module, source)


def test_a_module_without_a_layer_is_caught() -> None:
    assert violations("tools.helper", "import os") == [
        f"tools.helper: no layer; add it to LAYERS in {Path(__file__).name}"
    ]
