-- Backups being read right now (a restore, a verification, the restore drill): retention keeps
-- them until the reader is done. A pin names its owner process (host, pid, start time): the pin
-- of a process of this host that died is ignored; one of another host, whose processes cannot
-- be looked at, counts until expires_at. One pin (pin_id) may hold several backups (a chain).
CREATE TABLE backup_pins (
    instance         VARCHAR(64)   NOT NULL,
    pin_id           VARCHAR(64)   NOT NULL,
    backup_id        VARCHAR(40)   NOT NULL,
    purpose          VARCHAR(64)   NOT NULL,
    owner_host       VARCHAR(255)  NOT NULL,
    owner_pid        BIGINT        NOT NULL,
    owner_started_at BIGINT        NOT NULL,
    pinned_at        BIGINT        NOT NULL,
    expires_at       BIGINT        NOT NULL,
    PRIMARY KEY (instance, pin_id, backup_id)
);

CREATE INDEX backup_pins_by_backup ON backup_pins (instance, backup_id);
