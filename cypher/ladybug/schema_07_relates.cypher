CREATE REL TABLE IF NOT EXISTS RELATES(FROM Entity TO Entity, predicate STRING, kind STRING, doc_id STRING, chunk_id STRING, start_offset INT64, end_offset INT64, weight DOUBLE, surface STRING)
