-- The process running a restore (host, pid, start time), as backups have had since V1: a
-- restore whose process died (SIGKILL, OOM, a reboot) is marked FAILED at the next start instead
-- of staying RUNNING for ever. Rows from before this migration have no owner and are left alone.
ALTER TABLE restores ADD COLUMN owner_host VARCHAR(255);
ALTER TABLE restores ADD COLUMN owner_pid BIGINT;
ALTER TABLE restores ADD COLUMN owner_started_at BIGINT;
