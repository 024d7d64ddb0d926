UNWIND $rows AS r
CREATE (c:Chunk {id: r.id, doc_id: r.doc_id, idx: r.idx, text: r.text, title: r.title, start_offset: r.start_offset, end_offset: r.end_offset})
