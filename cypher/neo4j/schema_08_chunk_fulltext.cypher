CREATE FULLTEXT INDEX chunk_text IF NOT EXISTS FOR (c:Chunk) ON EACH [c.title, c.text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}
