CREATE INDEX sentence_chunk IF NOT EXISTS FOR (s:Sentence) ON (s.chunk)
