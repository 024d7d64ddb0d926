MATCH ()-[r:RELATES]->() RETURN count(r) AS n
