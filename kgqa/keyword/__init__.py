"""Keyword search over chunk text (BM25)."""
