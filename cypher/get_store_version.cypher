MATCH (m:StoreMeta {key: 'version'}) RETURN m.version AS version
