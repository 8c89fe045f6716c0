package org.backupscheduler.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.binlogs.BinlogStatus;
import org.backupscheduler.binlogs.Gap;
import org.backupscheduler.catalog.Catalog;

/**
 * The binlog archive's section: what `binlogs status` says, as of the report's time — the recovery
 * point, the recoverable window, the archived range — and each gap as a finding (exit 3): a
 * second inside a gap cannot be restored, and the DBA must hear of it where they look daily.
 */
public final class BinlogArchiveSource implements SectionSource {
    private final Catalog catalog;
    private final boolean on;

    public BinlogArchiveSource(Catalog catalog, boolean on) {
        this.catalog = catalog;
        this.on = on;
    }

    @Override
    public SectionData read(String instance, Instant from, Instant to) {
        BinlogStatus s = BinlogStatus.read(catalog, instance, to);
        if (s.files() == 0) {
            return on ? new SectionData(true, "on, nothing archived yet", List.of())
                    : new SectionData(false, "off (binlogs.archive: on keeps every second restorable)", List.of());
        }
        List<String> lines = new ArrayList<>();
        lines.add("archived " + s.oldest().fileName() + " .. " + s.newest().fileName() + " (" + s.files()
                + " file(s), " + s.sealed() + " sealed, " + org.backupscheduler.Bytes.human(s.sizeBytes()) + ")");
        BinlogStatus.Window w = s.window();
        lines.add(w == null ? "recoverable window: none (no VERIFIED backup the archive rolls forward from)"
                : "recoverable window: " + TextReport.UTC.format(w.from()) + " .. " + TextReport.UTC.format(w.to())
                + " from backup " + w.backup());
        List<String> findings = new ArrayList<>();
        for (Gap gap : s.gaps()) {
            lines.add("GAP: " + gap.describe());
            findings.add("binlog archive gap: " + gap.describe() + " (no second inside it can be restored)");
        }
        String rp = s.recoveryPoint() == null ? "unknown" : Ages.human(s.recoveryPoint());
        String summary = (on ? "on" : "off now, archive kept") + ", recovery point " + rp
                + (s.gaps().isEmpty() ? ", no gaps" : ", " + s.gaps().size() + " gap(s)");
        return new SectionData(true, summary, lines, findings);
    }
}
