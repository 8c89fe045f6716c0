package org.backupscheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void binaryUnitsWithOneDecimal() {
        assertEquals("-", Bytes.human(null));
        assertEquals("0 B", Bytes.human(0L));
        assertEquals("1023 B", Bytes.human(1023L));
        assertEquals("1.0 KiB", Bytes.human(1024L));
        assertEquals("36.8 MiB", Bytes.human(38_600_000L));
        assertEquals("1.5 GiB", Bytes.human(3L << 29));
        assertEquals("8.0 PiB", Bytes.human(8L << 50));
    }
}
