CALL db.awaitIndex($index, $timeout_s)
