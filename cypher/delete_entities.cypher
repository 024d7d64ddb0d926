UNWIND $ids AS id
MATCH (e:Entity) WHERE e.id = id
DETACH DELETE e
