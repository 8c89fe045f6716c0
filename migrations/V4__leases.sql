-- Who is backing up an instance right now. A row per instance while a run holds it; the
-- holder renews expires_at (heartbeat); a dead holder's lease expires and is taken over. With a
-- MySQL/MariaDB catalog this guards several hosts; on one host a file lock guards too.
CREATE TABLE leases (
    instance     VARCHAR(64)   NOT NULL,
    owner        VARCHAR(128)  NOT NULL,
    host         VARCHAR(255)  NOT NULL,
    pid          BIGINT        NOT NULL,
    acquired_at  BIGINT        NOT NULL,
    heartbeat_at BIGINT        NOT NULL,
    expires_at   BIGINT        NOT NULL,
    PRIMARY KEY (instance)
);
