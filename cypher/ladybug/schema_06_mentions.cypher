CREATE REL TABLE IF NOT EXISTS MENTIONS(FROM Chunk TO Entity, start_offset INT64, end_offset INT64, surface STRING)
