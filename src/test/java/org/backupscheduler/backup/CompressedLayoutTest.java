package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.backupscheduler.engine.StreamListing;
import org.backupscheduler.engine.StreamTap;
import org.junit.jupiter.api.Test;

/** What a compressed backup's manifest says it holds, learnt from the stream alone. */
class CompressedLayoutTest {
    @Test
    void theInventoryOfAStreamIsWhatInventoryOfTheExtractedFolderWouldSay() throws IOException {
        byte[] stream;
        try (InputStream in = getClass().getResourceAsStream("/engine/stream/small.mbstream")) {
            stream = in.readAllBytes();
        }
        StreamListing listing = new StreamTap(CompressedLayout::isEngineFile).copy(new ByteArrayInputStream(stream),
                null);

        // Names decoded as the server encodes them (x$host_summary is x@0024host_summary.frm); a
        // folder with neither tables nor db.opt (here: mysql/ with one .MYD) is no schema.
        assertEquals(Map.of("shop", List.of("orders", "x$host_summary")), CompressedLayout.inventory(listing));
    }

    @Test
    void onlyTheEnginesSmallMetadataFilesAreKeptBesideTheStream() {
        assertTrue(CompressedLayout.isEngineFile("xtrabackup_binlog_info"));
        assertTrue(CompressedLayout.isEngineFile("mariadb_backup_slave_info"));
        assertTrue(CompressedLayout.isEngineFile("xtrabackup_checkpoints"));
        assertFalse(CompressedLayout.isEngineFile("xtrabackup_logfile"), "XtraBackup's redo copy can be huge");
        assertFalse(CompressedLayout.isEngineFile("shop/xtrabackup_info"), "top level only");
    }
}
