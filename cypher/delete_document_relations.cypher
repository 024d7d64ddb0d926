MATCH (:Entity)-[r:RELATES]->(:Entity) WHERE r.doc_id IN $ids
DELETE r
