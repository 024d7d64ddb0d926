MATCH ()-[r:RELATES]->() WHERE r.kind = $kind
RETURN r.kind AS kind
LIMIT 1
