-- What the run holding an instance's lease is doing on the source, for the lock policy of any
-- other process (locks watch, the daemon): its backup's id, and the connection id above which the
-- backup account's sessions are its own (docs/locks.md, "Ours"). Null until its engine starts.
ALTER TABLE leases ADD COLUMN backup_id VARCHAR(40);
ALTER TABLE leases ADD COLUMN sessions_after BIGINT;
