"""Entity and relation extraction without an LLM: an NER model plus syntax and co-occurrence."""
