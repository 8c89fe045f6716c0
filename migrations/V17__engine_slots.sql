-- limits.per-host across every daemon of a cluster (docs/fleet.md): a row in engine_slots for
-- each engine of a scheduled backup, with the database host it reads, renewed while it runs (a
-- dead node's rows expire). A daemon about to start an engine locks the host's row in
-- engine_hosts, counts that host's slots and adds its own in one transaction, so two nodes
-- cannot both take the last free slot.
CREATE TABLE engine_hosts (
    db_host     VARCHAR(255)  NOT NULL,
    PRIMARY KEY (db_host)
);

CREATE TABLE engine_slots (
    owner       VARCHAR(64)   NOT NULL,
    db_host     VARCHAR(255)  NOT NULL,
    instance    VARCHAR(64)   NOT NULL,
    node_host   VARCHAR(255)  NOT NULL,
    pid         BIGINT        NOT NULL,
    acquired_at BIGINT        NOT NULL,
    expires_at  BIGINT        NOT NULL,
    PRIMARY KEY (owner)
);

CREATE INDEX engine_slots_host ON engine_slots (db_host);
