-- The backups of every instance. Times are epoch milliseconds (UTC): portable between the
-- embedded H2 catalog and a MySQL/MariaDB one, and free of time-zone conversions.
CREATE TABLE backups (
    instance         VARCHAR(64)   NOT NULL,
    id               VARCHAR(40)   NOT NULL,
    type             VARCHAR(16)   NOT NULL,
    parent_id        VARCHAR(40),
    status           VARCHAR(16)   NOT NULL,
    started_at       BIGINT        NOT NULL,
    finished_at      BIGINT,
    size_bytes       BIGINT,
    file_count       INT,
    tool             VARCHAR(32),
    tool_version     VARCHAR(128),
    from_lsn         BIGINT,
    to_lsn           BIGINT,
    binlog_file      VARCHAR(255),
    binlog_position  BIGINT,
    gtid             VARCHAR(2000),
    source_address   VARCHAR(255),
    source_server_id BIGINT,
    path             VARCHAR(1000) NOT NULL,
    reason           VARCHAR(2000),
    -- who runs it: a RUNNING row whose process is gone is marked FAILED at the next start
    owner_host       VARCHAR(255),
    owner_pid        BIGINT,
    owner_started_at BIGINT,
    PRIMARY KEY (instance, id)
);

CREATE INDEX backups_by_time ON backups (instance, started_at);
CREATE INDEX backups_by_status ON backups (instance, status, started_at);
