"""kgqa: knowledge-graph-augmented question answering that cites its evidence.

from kgqa import KGQA
kg = KGQA.open(data_dir="kgqa-data")
"""

from typing import TYPE_CHECKING, Any

from kgqa.errors import KGQAError
from kgqa.settings import Settings

if TYPE_CHECKING:
    from kgqa.api import KGQA

__all__ = ["KGQA", "KGQAError", "Settings"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The API pulls in numpy, FAISS and the stores: import it only when asked for.
    if name == "KGQA":
        from kgqa.api import KGQA

        return KGQA
    raise AttributeError(name)
