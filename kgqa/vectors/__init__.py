"""FAISS vector indexes keyed by graph ids."""
