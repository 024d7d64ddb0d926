"""kgqa: knowledge-graph-augmented question answering that cites its evidence."""

from kgqa.errors import KGQAError
from kgqa.settings import Settings

__all__ = ["KGQAError", "Settings"]
__version__ = "0.1.0"
