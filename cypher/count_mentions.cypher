MATCH ()-[m:MENTIONS]->() RETURN count(m) AS n
