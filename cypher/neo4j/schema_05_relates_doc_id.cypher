CREATE INDEX relates_doc_id IF NOT EXISTS FOR ()-[r:RELATES]-() ON (r.doc_id)
