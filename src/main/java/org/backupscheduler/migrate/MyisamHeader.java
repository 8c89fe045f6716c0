package org.backupscheduler.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The state block at the start of a MyISAM {@code .MYI} file (storage/myisam/mi_open.c,
 * mi_state_info_write): a 24-byte header, then open_count(2), changed(1), sortkey(1), then
 * records, deleted, split, dellink, key_file_length, data_file_length as 8-byte big-endian
 * numbers. mysqlhotcopy copies after FLUSH TABLES, which writes this state, so it is the row
 * count and data length the copy must hold.
 */
public record MyisamHeader(long records, long deleted, long dataFileLength) {
    private static final int STATE_START = 24 + 4;

    /** Reads the header, or null when the file is not a MyISAM index (wrong magic or too short). */
    public static MyisamHeader read(Path myi) throws IOException {
        byte[] head = new byte[STATE_START + 6 * 8];
        int n;
        try (InputStream in = Files.newInputStream(myi)) {
            n = in.readNBytes(head, 0, head.length);
        }
        // file_version magic: FE FE 07 01 (or 0B/0C... for compressed); the first two bytes are fixed
        if (n < head.length || (head[0] & 0xff) != 0xfe || (head[1] & 0xff) != 0xfe) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(head); // big-endian, as mi_sizestore writes
        return new MyisamHeader(b.getLong(STATE_START), b.getLong(STATE_START + 8), b.getLong(STATE_START + 40));
    }
}
