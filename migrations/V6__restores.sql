-- Every restore, and each of its steps with its duration: what was done to which replica, from
-- which backup, where the old datadir went, and how it ended.
CREATE TABLE restores (
    instance     VARCHAR(64)   NOT NULL,
    id           VARCHAR(40)   NOT NULL,
    replica      VARCHAR(64)   NOT NULL,
    backup_id    VARCHAR(40)   NOT NULL,
    until_time   VARCHAR(32),
    started_at   BIGINT        NOT NULL,
    finished_at  BIGINT,
    status       VARCHAR(16)   NOT NULL,
    old_datadir  VARCHAR(1000),
    reason       VARCHAR(4000),
    PRIMARY KEY (instance, id)
);

CREATE TABLE restore_steps (
    instance     VARCHAR(64)   NOT NULL,
    restore_id   VARCHAR(40)   NOT NULL,
    seq          INT           NOT NULL,
    step         VARCHAR(64)   NOT NULL,
    started_at   BIGINT        NOT NULL,
    duration_ms  BIGINT        NOT NULL,
    ok           BOOLEAN       NOT NULL,
    detail       VARCHAR(4000),
    PRIMARY KEY (instance, restore_id, seq)
);
