-- The binlog archive's index (docs/binlogs.md): one row per archived binlog file of an instance.
-- sealed_at NULL: the file is still open on the server and the store holds its prefix
-- (<file>.partial, size_bytes long); set: the whole file is stored, checksummed and final.
-- GTID columns are comma-separated domain-server-sequence lists: the server's GTID state when the
-- file began (its GTID_LIST event), and the first and last GTID of each domain within it.
-- Times are epoch milliseconds, as elsewhere in the catalog.
CREATE TABLE binlog_files (
    instance         VARCHAR(64)   NOT NULL,
    file_name        VARCHAR(255)  NOT NULL,
    server_id        BIGINT,
    gtid_list_start  VARCHAR(2000),
    first_gtids      VARCHAR(2000),
    last_gtids       VARCHAR(2000),
    first_event_at   BIGINT,
    last_event_at    BIGINT,
    size_bytes       BIGINT        NOT NULL,
    checksum         VARCHAR(16),
    archived_at      BIGINT        NOT NULL,
    sealed_at        BIGINT,
    PRIMARY KEY (instance, file_name)
);
