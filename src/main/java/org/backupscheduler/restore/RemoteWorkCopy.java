package org.backupscheduler.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.backup.StoredStream;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineHost;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.engine.SshHost;

/**
 * The working copy of a restore on the replica's own host ({@code replicas.<name>.ssh}): each
 * backup of the chain streamed from the repository here (its stored stream, decompressed and
 * checked as it is read) into an exec channel's stdin, into {@code mbstream -x} there, then
 * prepared there by the engine found there. The folder {@code <datadir>.restore-work-<id>} is made
 * 0700 with the scratch marker; {@link #close} removes it only when it carries that marker and no
 * table or tablespace file is left in it (after move-back they are all in the datadir; the
 * engine leaves its empty folders behind).
 */
final class RemoteWorkCopy implements AutoCloseable {
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final String COMPLETED = "completed OK!";

    private final SshHost host;
    private final Path dir;

    private RemoteWorkCopy(SshHost host, Path dir) {
        this.host = host;
        this.dir = dir;
    }

    static RemoteWorkCopy make(SshHost host, Path dir) throws IOException {
        EngineHost.CommandOutput made = host.run(List.of("sh", "-c", "umask 077 && mkdir \"$1\" && : > \"$1\"/\"$2\"",
                "sh", dir.toString(), OwnedFolders.SCRATCH_MARKER), SHORT);
        if (!made.succeeded()) {
            throw new IOException("cannot make the working folder " + dir + " on " + host.describe() + ": "
                    + made.output().strip());
        }
        return new RemoteWorkCopy(host, dir);
    }

    Path data() {
        return dir.resolve("data");
    }

    /** Streams the chain here and prepares it in {@link #data}; the problem, or null when the engine finished cleanly. */
    String prepare(EngineTool tool, List<BackupRecord> chain, Path log, Duration timeout) throws IOException {
        EngineCommands commands = new EngineCommands(tool);
        List<Path> copies = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            BackupRecord b = chain.get(i);
            Optional<StoredStream> stream = StoredStream.of(Path.of(b.path()));
            if (stream.isEmpty()) {
                return "backup " + b.id() + " is stored as plain files: over SSH only a stored stream (chunked, "
                        + "compressed or encrypted backups, or any taken with source.ssh) is sent to the replica yet";
            }
            Path target = i == 0 ? data() : dir.resolve("incremental-" + i);
            EngineHost.CommandOutput made = host.run(List.of("mkdir", "-m", "700", target.toString()), SHORT);
            if (!made.succeeded()) {
                throw new IOException("mkdir " + target + " on " + host.describe() + ": " + made.output().strip());
            }
            EngineHost.CommandOutput extracted;
            try (InputStream in = stream.get().open()) {
                extracted = host.feed(commands.extractStream(target), in, log, timeout);
            }
            if (!extracted.succeeded()) {
                return "extracting " + b.id() + " on " + host.describe() + " failed (exit " + extracted.exitCode()
                        + "): " + ProcessRunner.tail(log, 4);
            }
            copies.add(target);
        }
        for (int i = 0; i < chain.size(); i++) {
            long start = Files.size(log);
            ProcessResult r = new ProcessRunner(host, commands.prepare(data(), i == 0 ? null : copies.get(i),
                    i < chain.size() - 1), log, timeout).run();
            String step = i == 0 ? "prepare of " + chain.get(0).id() : "applying incremental " + chain.get(i).id();
            String output = Files.readString(log).substring((int) Math.min(start, Files.size(log)));
            if (!r.succeeded()) {
                return step + " on " + host.describe() + " failed: " + r.describe();
            }
            if (!output.contains(COMPLETED)) {
                return step + ": the engine exited 0 but never said '" + COMPLETED + "'";
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        // Ours (the marker) and no datadir in it: what a failed move-back left stays for a look.
        EngineHost.CommandOutput removed = host.run(List.of("sh", "-c", "test -f \"$1\"/\"$2\" || exit 3; "
                + "test -z \"$(find \"$1\"/data -type f \\( -name ibdata1 -o -name aria_log_control -o -name '*.frm' "
                + "-o -name '*.ibd' -o -name '*.MAD' -o -name '*.MAI' -o -name '*.MYD' \\) 2>/dev/null | head -n 1)\" "
                + "|| exit 4; "
                + "rm -rf -- \"$1\"", "sh", dir.toString(), OwnedFolders.SCRATCH_MARKER), SHORT);
        if (!removed.succeeded()) {
            throw new IOException("the working folder " + dir + " on " + host.describe() + " was left in place ("
                    + (removed.exitCode() == 4 ? "it still holds a datadir's files" : removed.exitCode() == 3
                    ? "it lacks the marker " + OwnedFolders.SCRATCH_MARKER : removed.output().strip()) + ")");
        }
    }
}
