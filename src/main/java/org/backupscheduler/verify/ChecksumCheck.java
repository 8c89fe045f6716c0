package org.backupscheduler.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.backupscheduler.backup.FileChecksums;
import org.backupscheduler.backup.Manifest;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.backup.Manifest.FileEntry;
import org.backupscheduler.backup.StoredStream;
import org.backupscheduler.engine.StreamListing;

/**
 * The manifest recomputed: every file named with what was expected and what is there. A bit
 * flipped on disk a month after the backup is found here, before anyone needs the backup.
 */
public final class ChecksumCheck {
    static final String DATA_PREFIX = RepositoryLayout.DATA + "/";

    private ChecksumCheck() {
    }

    /**
     * A format-3 backup's stream read where it lies: every chunk against its CRC32C as it arrives,
     * then every file the stream holds against the size and CRC32C summed when it was taken.
     */
    private static void streamProblems(Path backupDir, Manifest.Stream stream, List<String> problems)
            throws IOException {
        StreamListing listing;
        try {
            listing = StreamStructureCheck.list(StoredStream.of(backupDir).orElseThrow());
        } catch (IOException e) {
            problems.add(e.getMessage());
            return;
        }
        Map<String, Long> sizes = listing.files();
        for (FileEntry e : stream.files()) {
            Long size = sizes.get(e.path());
            if (size == null) {
                problems.add("missing file " + e.path() + " in the stream (expected " + e.size() + " bytes)");
            } else if (size != e.size()) {
                problems.add("resized file " + e.path() + " in the stream: expected " + e.size() + " bytes, found " + size);
            } else if (e.checksum() != null && !e.checksum().equals(listing.checksums().get(e.path()))) {
                problems.add("changed file " + e.path() + " in the stream: expected CRC32C " + e.checksum() + ", found "
                        + listing.checksums().get(e.path()));
            }
        }
        for (String path : sizes.keySet()) {
            if (stream.files().stream().noneMatch(f -> f.path().equals(path))) {
                problems.add("extra file " + path + " in the stream (not in the manifest)");
            }
        }
    }

    public static List<String> problems(Path backupDir) throws IOException {
        return problems(backupDir, true);
    }

    /**
     * As {@link #problems(Path)}, but the files of {@code data/} (the engine's, nearly all the
     * bytes) only present and of their size, not read: a restore checksums them as it copies them
     * ({@link WorkingCopy#checkedCopy}), so the backup is read once. For a backup of plain files.
     */
    public static List<String> problemsButDataChecksums(Path backupDir) throws IOException {
        return problems(backupDir, false);
    }

    private static List<String> problems(Path backupDir, boolean readData) throws IOException {
        Manifest manifest = Manifest.read(backupDir);
        if (!FileChecksums.ALGORITHM.equals(manifest.checksumAlgorithm())) {
            return List.of("the manifest uses " + manifest.checksumAlgorithm() + ", this version reads only "
                    + FileChecksums.ALGORITHM);
        }
        Map<String, FileEntry> expected = manifest.files().stream()
                .collect(Collectors.toMap(FileEntry::path, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        List<String> problems = new ArrayList<>();
        List<String> present = new ArrayList<>();
        try (var walk = Files.walk(backupDir)) {
            walk.filter(Files::isRegularFile).map(p -> FileChecksums.relative(backupDir, p))
                    .filter(p -> !p.equals("manifest.json")).sorted().forEach(present::add);
        }
        for (String path : present) {
            if (!expected.containsKey(path)) {
                problems.add("extra file " + path + " (not in the manifest)");
            }
        }
        for (FileEntry e : expected.values()) {
            Path file = backupDir.resolve(e.path());
            if (!Files.isRegularFile(file)) {
                problems.add("missing file " + e.path() + " (expected " + e.size() + " bytes)");
                continue;
            }
            long size = Files.size(file);
            if (size != e.size()) {
                problems.add("resized file " + e.path() + ": expected " + e.size() + " bytes, found " + size);
                continue;
            }
            if (!readData && e.path().startsWith(DATA_PREFIX)) {
                continue;
            }
            String actual = FileChecksums.crc32c(file);
            if (!actual.equals(e.checksum())) {
                problems.add("changed file " + e.path() + ": expected CRC32C " + e.checksum() + ", found " + actual);
            }
        }
        if (manifest.stream() != null && readData) {
            streamProblems(backupDir, manifest.stream(), problems);
        }
        return problems;
    }
}
