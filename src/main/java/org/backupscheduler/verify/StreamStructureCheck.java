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

import org.backupscheduler.backup.CompressedLayout;
import org.backupscheduler.backup.Manifest;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.backup.StoredStream;
import org.backupscheduler.backup.Zstd;
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

    static List<String> problems(Path backupDir, StoredStream stream, Flavor flavor) throws IOException {
        List<String> problems = new ArrayList<>();
        if (stream.isEmpty()) {
            problems.add("the backup is empty: " + stream.name() + " holds no bytes");
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
            problems.add("the backup is empty: the stream in " + stream.name() + " holds no files");
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
        ManifestAgreement.checkpoints(manifest, files, problems);
        boolean incremental = ManifestAgreement.isIncremental(manifest);
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
        ManifestAgreement.inventory(manifest, CompressedLayout.inventory(listing), " from the stream", problems);
        sizes.forEach((path, size) -> {
            if (path.endsWith(".frm") && size == 0) {
                problems.add(path + " is empty in the stream");
            }
        });
        ManifestAgreement.binlog(manifest, files, problems);
        return problems;
    }

    /** Reads the stream (decompressed, chunks checked as they arrive); throws naming what failed. */
    static StreamListing list(StoredStream stream) throws IOException {
        StreamListing listing;
        String unreadable = null;
        InputStream in = stream.open();
        try {
            listing = new StreamTap(CompressedLayout::isEngineFile).copy(in, null);
        } catch (IOException e) {
            // Let the decompressor finish: its own verdict says more than where the reader stopped.
            listing = null;
            unreadable = e.getMessage();
        }
        try {
            in.close();
        } catch (IOException e) {
            throw new IOException(e.getMessage() + (unreadable == null ? "" : " (then: " + unreadable + ")"), e);
        }
        if (unreadable != null) {
            throw new IOException("the stream in " + stream.name() + " is unreadable: " + unreadable);
        }
        return listing;
    }

}
