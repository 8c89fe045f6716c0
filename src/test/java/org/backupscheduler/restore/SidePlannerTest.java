package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which backups may be rolled forward to a GTID target: none already past it. */
class SidePlannerTest {

    @Test
    void aPositionIsNotAfterATargetWhenNoDomainIsPastIt() {
        assertTrue(SidePlanner.notAfter("0-1-100", "0-1-100"), "the target itself");
        assertTrue(SidePlanner.notAfter("0-1-99", "0-1-100"));
        assertFalse(SidePlanner.notAfter("0-1-101", "0-1-100"));
        assertTrue(SidePlanner.notAfter("0-1-99,1-2-7", "0-1-100,1-2-7"));
        assertFalse(SidePlanner.notAfter("0-1-99,1-2-8", "0-1-100,1-2-7"), "one domain past is past");
        assertTrue(SidePlanner.notAfter("0-1-99,1-2-8", "0-1-100"), "a domain the target does not name");
        assertTrue(SidePlanner.notAfter("0-2-99", "0-1-100"), "the server id does not order events");
    }
}
