-- Catalog at fleet scale (1 M backup rows of 100 instances, docs/benchmarks.md): `list`, the
-- newest backup of a status (report, restore --latest, retention) and the run-time checks order
-- one instance's rows by (started_at DESC, id DESC). V1's (instance, started_at) and
-- (instance, status, started_at) indexes find the rows but not that order, so every row of the
-- instance was read from the table and sorted for a LIMIT of 1 or 50 (measured: `list --limit 50`
-- 16 s, `report` 11 s on one instance's 10,000 rows, under load). These indexes hold the order
-- itself: the first rows of the index are the answer.
CREATE INDEX backups_newest ON backups (instance, started_at DESC, id DESC);
CREATE INDEX backups_newest_by_status ON backups (instance, status, started_at DESC, id DESC);
