-- repositories: (several copies of each backup, [2.2]): one row per backup and repository that
-- holds, held or should hold a copy of it. state: STORED (every object there, manifest last),
-- INVALID (a check of that copy failed, or it was found missing: reason says which), REMOVED
-- (its repository's retention removed it). The backups row stays the backup's own status; it
-- counts as gone (EXPIRED) only when no copy is left. Times are epoch milliseconds.
CREATE TABLE backup_copies (
    instance    VARCHAR(64)   NOT NULL,
    backup_id   VARCHAR(40)   NOT NULL,
    repository  VARCHAR(64)   NOT NULL,
    url         VARCHAR(1000) NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    changed_at  BIGINT        NOT NULL,
    reason      VARCHAR(2000),
    PRIMARY KEY (instance, backup_id, repository)
);
