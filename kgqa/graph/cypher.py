"""Load the Cypher statements kept as files in ``cypher/``.

One statement per file, named verb_noun. ``cypher/<dialect>/<name>.cypher`` overrides
``cypher/<name>.cypher`` for a backend whose Cypher differs (dialects: ``neo4j``, ``ladybug``).
Values only ever enter a statement as ``$parameters``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kgqa.errors import ConfigError

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def cypher_dir() -> Path:
    """The folder holding the .cypher files: inside the installed wheel, or the source tree."""
    for candidate in (_PACKAGE_DIR / "cypher", _PACKAGE_DIR.parent / "cypher"):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"cypher/ folder not found next to {_PACKAGE_DIR}; reinstall kgqa")


@cache
def load_query(dialect: str, name: str) -> str:
    root = cypher_dir()
    for path in (root / dialect / f"{name}.cypher", root / f"{name}.cypher"):
        if path.is_file():
            return path.read_text(encoding="utf-8").strip().rstrip(";")
    raise ConfigError(f"no Cypher statement {name!r} for dialect {dialect!r} under {root}")


def all_query_files() -> list[Path]:
    return sorted(cypher_dir().rglob("*.cypher"))
