-- Where each backup was taken: a primary, or a replica with its lag at backup time and the
-- PRIMARY's coordinates (from xtrabackup_slave_info) that a rebuilt replica must start from.
-- A table of its own, one row per backup, so the backups table stays what every run writes.
CREATE TABLE backup_sources (
    instance                VARCHAR(64)   NOT NULL,
    backup_id               VARCHAR(40)   NOT NULL,
    role                    VARCHAR(16)   NOT NULL,
    lag_seconds             BIGINT,
    replication             VARCHAR(2000),
    primary_address         VARCHAR(255),
    primary_binlog_file     VARCHAR(255),
    primary_binlog_position BIGINT,
    primary_gtid            VARCHAR(2000),
    PRIMARY KEY (instance, backup_id)
);
