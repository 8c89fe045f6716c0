-- Every decision of the lock policy, executed or only printed: who, why, which rule, what was
-- done and what came of it. Query text is truncated; it never holds our own passwords.
CREATE TABLE lock_actions (
    instance     VARCHAR(64)   NOT NULL,
    decided_at   BIGINT        NOT NULL,
    session_id   BIGINT        NOT NULL,
    backup_id    VARCHAR(40),
    user_name    VARCHAR(128),
    host         VARCHAR(255),
    db           VARCHAR(128),
    command      VARCHAR(32),
    state        VARCHAR(128),
    time_seconds BIGINT,
    info         VARCHAR(1000),
    blocker_of   VARCHAR(1000),
    rule         VARCHAR(255)  NOT NULL,
    action       VARCHAR(16)   NOT NULL,
    result       VARCHAR(1000) NOT NULL,
    PRIMARY KEY (instance, decided_at, session_id)
);
