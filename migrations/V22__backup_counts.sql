-- Catalog at fleet scale (docs/benchmarks.md): how many backups of each instance are in each
-- status, kept by every write of catalog.Backups in the same transaction as the row it changes.
-- The report's retention counts read one row per status from here: counting them with GROUP BY
-- read every index entry of the instance (10,000 per instance, 100 instances: seconds for
-- `report --config-dir`). Filled from the backups table as it is now.
CREATE TABLE backup_counts (
    instance  VARCHAR(64)  NOT NULL,
    status    VARCHAR(16)  NOT NULL,
    n         BIGINT       NOT NULL,
    PRIMARY KEY (instance, status)
);

INSERT INTO backup_counts (instance, status, n)
    SELECT instance, status, COUNT(*) FROM backups GROUP BY instance, status;
