package org.backupscheduler.report;

import java.time.Instant;
import java.util.List;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.VerificationRecord;

/** The restore-drill section: deep verifications (a server started on a prepared copy) in the window. */
public final class RestoreDrillsSource implements SectionSource {
    private static final int SHOWN = 10;
    private final Catalog catalog;

    public RestoreDrillsSource(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public SectionData read(String instance, Instant from, Instant to) {
        List<VerificationRecord> drills = catalog.backups().verifications().between(instance, "deep", from,
                to.plusMillis(1));
        if (drills.isEmpty()) {
            return SectionData.notRecorded();
        }
        long passed = drills.stream().filter(VerificationRecord::ok).count();
        List<String> lines = drills.stream().limit(SHOWN).map(d -> TextReport.UTC.format(d.startedAt()) + "  "
                + d.backupId() + "  " + (d.ok() ? "passed" : "FAILED") + ", restore time " + Ages.human(d.duration())
                + (d.finding() == null ? "" : ": " + d.finding())).toList();
        return new SectionData(true, drills.size() + " drill(s) in the window, " + passed + " passed", lines);
    }
}
