MERGE (l:ResolutionLock {key: 'entities'})
SET l.taken = coalesce(l.taken, 0) + 1
