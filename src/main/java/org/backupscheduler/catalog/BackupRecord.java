package org.backupscheduler.catalog;

import java.time.Instant;

import org.backupscheduler.engine.Coordinates;

/**
 * One row of the backups table. Built through the named factories ({@link #running},
 * {@link #skipped}, {@link #legacy}) and the steps of a run ({@link #completed}, {@link #withStatus},
 * {@link #withFinishedAt}); the small values group what belongs together, so that two numbers of
 * one kind (an LSN and a size, a tool and its version) cannot be swapped without a compile error.
 */
public record BackupRecord(String instance, String id, BackupType type, String parentId, BackupStatus status,
                           Instant startedAt, Instant finishedAt, Contents contents, Engine engine, Lsns lsns,
                           Coordinates coordinates, Source source, String path, String reason) {

    /** What the backup holds: bytes as stored and the number of files; both null until known. */
    public record Contents(Long bytes, Integer files) {
        public static final Contents UNKNOWN = new Contents(null, null);
    }

    /** The tool that took it and its version ({@code mysqlhotcopy} for imported folders). */
    public record Engine(String tool, String version) {
    }

    /** The InnoDB log sequence numbers the backup spans (from the engine's checkpoints file). */
    public record Lsns(Long from, Long to) {
        public static final Lsns NONE = new Lsns(null, null);
    }

    /** The server the backup was taken from: its address and {@code @@server_id}. */
    public record Source(String address, Long serverId) {
        public static final Source UNKNOWN = new Source(null, null);
    }

    public BackupRecord {
        contents = contents != null ? contents : Contents.UNKNOWN;
        lsns = lsns != null ? lsns : Lsns.NONE;
        coordinates = coordinates != null ? coordinates : Coordinates.NONE;
        source = source != null ? source : Source.UNKNOWN;
    }

    /** A run that has just begun: recorded before the engine starts, so every attempt leaves a row. */
    public static BackupRecord running(String instance, String id, BackupType type, String parentId,
                                       Instant startedAt, Engine engine, Source source, String path) {
        return new BackupRecord(instance, id, type, parentId, BackupStatus.RUNNING, startedAt, null, null, engine,
                null, null, source, path, null);
    }

    /** A fire that did not run (another run held the lease), with why. */
    public static BackupRecord skipped(String instance, String id, BackupType type, Instant at, Engine engine,
                                       Source source, String path, String reason) {
        return new BackupRecord(instance, id, type, null, BackupStatus.SKIPPED, at, at, null, engine, null, null,
                source, path, reason);
    }

    /** An imported hotcopy folder: LEGACY, or INVALID when its own check failed. */
    public static BackupRecord legacy(String instance, String id, BackupStatus status, Instant importedAt,
                                      Contents contents, String folder, String reason) {
        return new BackupRecord(instance, id, BackupType.LEGACY, null, status, importedAt, importedAt, contents,
                new Engine("mysqlhotcopy", null), null, null, null, folder, reason);
    }

    /** This run, finished by the engine: what it holds, where it starts and ends, and its final status. */
    public BackupRecord completed(BackupStatus newStatus, Instant finished, Contents newContents, Lsns newLsns,
                                  Coordinates newCoordinates, Long sourceServerId, String newReason) {
        return new BackupRecord(instance, id, type, parentId, newStatus, startedAt, finished, newContents, engine,
                newLsns, newCoordinates, new Source(source.address(), sourceServerId), path, newReason);
    }

    public BackupRecord withStatus(BackupStatus newStatus, String newReason) {
        return new BackupRecord(instance, id, type, parentId, newStatus, startedAt, finishedAt, contents, engine,
                lsns, coordinates, source, path, newReason);
    }

    /** The same backup read from another folder (a copy of it, {@code repositories:}); never written back. */
    public BackupRecord withPath(String otherPath) {
        return new BackupRecord(instance, id, type, parentId, status, startedAt, finishedAt, contents, engine, lsns,
                coordinates, source, otherPath, reason);
    }

    public BackupRecord withEngine(Engine newEngine) {
        return new BackupRecord(instance, id, type, parentId, status, startedAt, finishedAt, contents, newEngine, lsns,
                coordinates, source, path, reason);
    }

    public BackupRecord withFinishedAt(Instant at) {
        return new BackupRecord(instance, id, type, parentId, status, startedAt, at, contents, engine, lsns,
                coordinates, source, path, reason);
    }

    public Long sizeBytes() {
        return contents.bytes();
    }

    public Integer fileCount() {
        return contents.files();
    }

    public String tool() {
        return engine == null ? null : engine.tool();
    }

    public String toolVersion() {
        return engine == null ? null : engine.version();
    }

    public Long fromLsn() {
        return lsns.from();
    }

    public Long toLsn() {
        return lsns.to();
    }

    public String sourceAddress() {
        return source.address();
    }

    public Long sourceServerId() {
        return source.serverId();
    }
}
