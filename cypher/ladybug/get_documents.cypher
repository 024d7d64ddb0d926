UNWIND $ids AS id
MATCH (d:Document {id: id})
RETURN d.id AS id, d.title AS title, d.source AS source, d.lang AS lang, d.metadata AS metadata, d.content_hash AS content_hash
