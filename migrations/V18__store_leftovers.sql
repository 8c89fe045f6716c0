-- What a failed backup left in a store off the host (S3, SFTP) and could not remove when it
-- failed: the store was down, or the process was killed. Every start looks here and removes the
-- run's objects through backup.OwnedFolders once the store answers, then drops the row.
CREATE TABLE store_leftovers (
    instance    VARCHAR(64)   NOT NULL,
    backup_id   VARCHAR(40)   NOT NULL,
    repository  VARCHAR(512)  NOT NULL,
    noted_at    BIGINT        NOT NULL,
    why         VARCHAR(1024) NOT NULL,
    PRIMARY KEY (instance, backup_id, repository)
);
