CREATE CONSTRAINT resolution_lock_key IF NOT EXISTS FOR (l:ResolutionLock) REQUIRE l.key IS UNIQUE
