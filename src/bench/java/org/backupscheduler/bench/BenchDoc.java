package org.backupscheduler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * docs/benchmarks.md is written in sections, each by its own bench step: a step replaces its own
 * section ({@code ## Heading} up to the next one) and leaves the others as the last run wrote them.
 * A new section goes before the scale curve, which keeps itself last, else at the end.
 */
final class BenchDoc {
    private BenchDoc() {
    }

    static void writeSection(Path outFile, String heading, String section) throws IOException {
        String doc = Files.exists(outFile) ? Files.readString(outFile) : "# Benchmarks\n\n";
        int at = doc.indexOf(heading);
        if (at >= 0) {
            int end = doc.indexOf("\n## ", at + heading.length());
            doc = doc.substring(0, at) + section + (end >= 0 ? doc.substring(end + 1) : "");
        } else {
            int curve = doc.indexOf(ScaleCurve.SECTION);
            doc = curve >= 0 ? doc.substring(0, curve) + section + "\n" + doc.substring(curve)
                    : doc + (doc.endsWith("\n\n") ? "" : "\n") + section;
        }
        Files.writeString(outFile, doc);
    }
}
