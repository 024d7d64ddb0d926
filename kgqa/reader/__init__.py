"""LLM readers: answer from numbered evidence, citing it. One module per backend."""
