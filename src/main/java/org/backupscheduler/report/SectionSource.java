package org.backupscheduler.report;

import java.time.Instant;

/**
 * One pluggable section of the report. The lead wires implementations reading the lock-action,
 * restore-drill and replica-health tables once those branches are merged; until then
 * {@link #NOT_RECORDED} is used.
 */
@FunctionalInterface
public interface SectionSource {
    SectionSource NOT_RECORDED = (instance, from, to) -> SectionData.notRecorded();

    SectionData read(String instance, Instant from, Instant to);
}
