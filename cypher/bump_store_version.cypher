MERGE (m:StoreMeta {key: 'version'})
ON CREATE SET m.version = 1
ON MATCH SET m.version = m.version + 1
