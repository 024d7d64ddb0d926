"""Text embedders behind one protocol (``base.Embedder``)."""
