"""kgqa write path: documents and knowledge bases into the graph and the vector indexes."""
