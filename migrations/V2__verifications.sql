-- Every verification of every backup, kept as history: a backup VERIFIED last week and found
-- damaged today shows both. One row per level per run.
CREATE TABLE verifications (
    instance     VARCHAR(64)   NOT NULL,
    backup_id    VARCHAR(40)   NOT NULL,
    level        VARCHAR(16)   NOT NULL,
    started_at   BIGINT        NOT NULL,
    duration_ms  BIGINT        NOT NULL,
    ok           BOOLEAN       NOT NULL,
    finding      VARCHAR(4000),
    PRIMARY KEY (instance, backup_id, level, started_at)
);

CREATE INDEX verifications_by_time ON verifications (instance, started_at);
