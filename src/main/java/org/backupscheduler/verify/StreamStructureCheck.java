package org.backupscheduler.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.backupscheduler.backup.CompressedLayout;
import org.backupscheduler.backup.Manifest;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.backup.Zstd;
import org.backupscheduler.catalog.Coordinates;
import org.backupscheduler.engine.EngineFiles;
import org.backupscheduler.engine.Flavor;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.engine.StreamListing;
import org.backupscheduler.engine.StreamTap;

/**
 * {@link StructureCheck} for a compressed backup: the same questions, answered from a listing of
 * the stream (decompressed on the fly and read, nothing written to disk) and from the engine files
 * kept beside it. The one extraction per verification is the prepare's working copy.
 */
final class StreamStructureCheck {
    private StreamStructureCheck() {
    }

    static List<String> problems(Path backupDir, Path stream, Flavor flavor) throws IOException {
        List<String> problems = new ArrayList<>();
        if (Files.size(stream) == 0) {
            problems.add("the backup is empty: " + stream + " holds no bytes");
            return problems;
        }
        if (!Files.exists(RepositoryLayout.manifest(backupDir))) {
            problems.add("no " + RepositoryLayout.MANIFEST + " in " + backupDir);
            return problems;
        }
        Manifest manifest = Manifest.read(backupDir);
        StreamListing listing;
        try {
            listing = list(stream);
        } catch (IOException e) {
            problems.add(e.getMessage());
            return problems;
        }
        if (listing.files().isEmpty()) {
            problems.add("the backup is empty: the stream in " + stream.getFileName() + " holds no files");
            return problems;
        }
        EngineFiles files;
        try {
            files = EngineFiles.read(backupDir, flavor);
        } catch (IOException e) {
            problems.add(e.getMessage());
            return problems;
        }
        // The copy beside the stream is what the catalog was filled from: it must be the stream's own.
        Path checkpoints = flavor.metadataFile(backupDir, "checkpoints");
        byte[] inStream = listing.captured().get(checkpoints.getFileName().toString());
        if (inStream == null) {
            problems.add("the stream holds no " + checkpoints.getFileName());
        } else if (!Arrays.equals(inStream, Files.readAllBytes(checkpoints))) {
            problems.add(checkpoints.getFileName() + " beside the stream differs from the one inside it");
        }
        boolean incremental = "incremental".equals(manifest.type());
        String expectedType = incremental ? "incremental" : "full-backuped";
        if (!expectedType.equals(files.checkpoints().backupType())) {
            problems.add("checkpoints say backup_type = " + files.checkpoints().backupType() + ", expected "
                    + expectedType);
        }
        Long from = files.checkpoints().fromLsn();
        Long to = files.checkpoints().toLsn();
        if (from == null || to == null || to <= 0 || to < from) {
            problems.add("checkpoints have an impossible LSN range from_lsn=" + from + " to_lsn=" + to);
        } else if (!incremental && from != 0) {
            problems.add("a full backup must start at from_lsn=0, found " + from);
        }
        if (!Objects.equals(to, manifest.toLsn())) {
            problems.add("checkpoints to_lsn=" + to + " but the manifest recorded " + manifest.toLsn());
        }
        Map<String, Long> sizes = listing.files();
        if (!incremental) {
            Long ibdata = sizes.get("ibdata1");
            if (ibdata == null || ibdata == 0) {
                problems.add("ibdata1 is " + (ibdata == null ? "missing from" : "empty in") + " the stream");
            }
            if (sizes.keySet().stream().noneMatch(p -> p.startsWith("mysql/"))) {
                problems.add("the mysql schema folder is missing from the stream");
            }
        }
        Map<String, List<String>> inStreamTables = CompressedLayout.inventory(listing);
        for (Map.Entry<String, List<String>> schema : manifest.inventory().entrySet()) {
            List<String> found = inStreamTables.get(schema.getKey());
            if (found == null) {
                problems.add("database folder " + schema.getKey() + " is missing from the stream");
                continue;
            }
            for (String table : schema.getValue()) {
                if (!found.contains(table)) {
                    problems.add("table definition " + schema.getKey() + "." + table + " (.frm) is missing");
                }
            }
        }
        sizes.forEach((path, size) -> {
            if (path.endsWith(".frm") && size == 0) {
                problems.add(path + " is empty in the stream");
            }
        });
        if (manifest.binlogFile() != null) {
            Coordinates recorded = new Coordinates(manifest.binlogFile(), manifest.binlogPosition(), manifest.gtid());
            if (files.binlog().isEmpty()) {
                problems.add("the source logs binlogs (" + recorded + ") but xtrabackup_binlog_info is missing");
            } else if (!files.binlog().get().equals(recorded)) {
                problems.add("xtrabackup_binlog_info says " + files.binlog().get() + ", the manifest " + recorded);
            }
        }
        return problems;
    }

    /** Decompresses {@code stream} and reads its chunks; throws naming the file when either fails. */
    static StreamListing list(Path stream) throws IOException {
        Path err = Files.createTempFile("zstd-", ".log");
        try {
            Process zstd = new ProcessBuilder(Zstd.onPath().decompress(stream))
                    .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
            StreamListing listing = null;
            String unreadable = null;
            try (InputStream in = zstd.getInputStream()) {
                try {
                    listing = new StreamTap(CompressedLayout::isEngineFile).copy(in, null);
                } catch (IOException e) {
                    // Let zstd finish: its own verdict on the file says more than where the reader stopped.
                    unreadable = e.getMessage();
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
            int status = waitFor(zstd);
            // zstd checks the frame checksum at the end: a changed byte shows as its exit status,
            // and the stream reader then sees the stream stop short. zstd's words come first.
            if (status != 0) {
                throw new IOException("cannot decompress " + stream.getFileName() + ": zstd exited with status "
                        + status + ": " + ProcessRunner.tail(err, 2).replace('\n', ' ')
                        + (unreadable == null ? "" : " (then: " + unreadable + ")"));
            }
            if (unreadable != null) {
                throw new IOException("the stream in " + stream.getFileName() + " is unreadable: " + unreadable);
            }
            return listing;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static int waitFor(Process p) throws IOException {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            ProcessRunner.endTree(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the stream", e);
        }
    }
}
