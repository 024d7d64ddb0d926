UNWIND $rows AS r
MERGE (d:Document {id: r.id})
SET d.title = r.title, d.source = r.source, d.lang = r.lang, d.metadata = r.metadata, d.content_hash = r.content_hash
