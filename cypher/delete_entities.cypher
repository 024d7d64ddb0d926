MATCH (e:Entity) WHERE e.id IN $ids
DETACH DELETE e
