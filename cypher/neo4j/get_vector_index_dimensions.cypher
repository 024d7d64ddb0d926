SHOW VECTOR INDEXES YIELD name, options
WHERE name = $index
RETURN options.indexConfig.`vector.dimensions` AS dimensions
