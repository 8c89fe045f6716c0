package org.backupscheduler.report;

import java.util.List;

/**
 * A section fed by a source that may not be wired yet (lock actions, restore drills, replica
 * health). {@code recorded == false} means there is no source or it holds nothing: the report says
 * "no data recorded" and never invents numbers. {@code findings} are what the section found wrong:
 * they join the report's findings (exit 3).
 */
public record SectionData(boolean recorded, String summary, List<String> lines, List<String> findings) {

    /** A section with nothing wrong enough to fail the report. */
    public SectionData(boolean recorded, String summary, List<String> lines) {
        this(recorded, summary, lines, List.of());
    }

    public static SectionData notRecorded() {
        return new SectionData(false, "no data recorded", List.of());
    }
}
