MATCH (d:Document) WHERE d.id IN $ids
RETURN d.id AS id, d.content_hash AS content_hash
