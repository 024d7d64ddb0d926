UNWIND $rows AS r
MERGE (k:EntityKey {key: r.key})
