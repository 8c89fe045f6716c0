package org.backupscheduler.report;

import java.time.Instant;
import java.util.List;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.LockActions;

/** The lock-policy section: the audit trail of {@code lock_actions} in the window, newest first. */
public final class LockActionsSource implements SectionSource {
    private static final int SHOWN = 10;
    private final Catalog catalog;

    public LockActionsSource(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public SectionData read(String instance, Instant from, Instant to) {
        List<LockActions.Row> rows = catalog.backups().lockActions().between(instance, from, to);
        if (rows.isEmpty()) {
            return SectionData.notRecorded();
        }
        List<String> lines = rows.stream().limit(SHOWN).map(r -> TextReport.UTC.format(r.decidedAt()) + "  "
                + r.action() + " session " + r.sessionId() + " (" + r.user() + ", " + r.timeSeconds() + "s) -> "
                + r.result() + "; " + r.rule()).toList();
        long kills = rows.stream().filter(r -> r.result().startsWith("killed") || r.result().startsWith("query"))
                .count();
        return new SectionData(true, rows.size() + " decision(s) in the window, " + kills + " kill(s)"
                + (rows.size() > SHOWN ? ", newest " + SHOWN + " shown" : ""), lines);
    }
}
