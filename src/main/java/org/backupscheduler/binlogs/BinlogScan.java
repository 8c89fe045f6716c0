package org.backupscheduler.binlogs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * What one binlog file holds, read from its event headers (the v4 format: a 4-byte magic, then
 * events with a 19-byte header — timestamp, type, server id, size, end position, flags). Only the
 * events that carry what the index needs are opened: the format description (does a CRC32 trail
 * each event?), the GTID list (the server's GTID state when the file began), each GTID event and
 * the rotate that closes the file. A file still being written ends in a partial event: the scan
 * stops before it, and {@link #validLength} says where.
 */
public record BinlogScan(String name, long validLength, long serverId, List<Gtid> gtidListAtStart,
                         Map<Long, Gtid> firstGtids, Map<Long, Gtid> lastGtids, Instant firstEventTime,
                         Instant lastEventTime, String rotatesTo, boolean stopped, String checksum) {
    static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
    static final int HEADER = 19;
    static final int STOP_EVENT = 3;
    static final int ROTATE_EVENT = 4;
    static final int FORMAT_DESCRIPTION_EVENT = 15;
    static final int GTID_EVENT = 162;
    static final int GTID_LIST_EVENT = 163;
    private static final int CRC32_ALG = 1;

    /**
     * The file is closed: the server rotated to the next one, or shut down (a stop event), so
     * nothing more will be added. A server that crashed leaves neither; its next file shows it.
     */
    public boolean closed() {
        return rotatesTo != null || stopped;
    }

    /** The GTID state at the file's end: the state at its start with its own last GTIDs laid over. */
    public Map<Long, Gtid> stateAtEnd() {
        Map<Long, Gtid> state = byDomain(gtidListAtStart);
        state.putAll(lastGtids);
        return state;
    }

    /** Per domain, the entry with the highest sequence (the list holds one per domain and server). */
    static Map<Long, Gtid> byDomain(List<Gtid> gtids) {
        Map<Long, Gtid> state = new TreeMap<>();
        for (Gtid g : gtids) {
            state.merge(g.domain(), g, (a, b) -> a.seq() >= b.seq() ? a : b);
        }
        return state;
    }

    public static BinlogScan read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file.getFileName().toString(), ch);
        }
    }

    private static BinlogScan read(String name, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < MAGIC.length) {
            return empty(name);
        }
        ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
        readFully(ch, magic, 0);
        if (!java.util.Arrays.equals(magic.array(), MAGIC)) {
            throw new IOException(name + " is not a binlog file: it does not begin with the binlog magic bytes fe 62 69 6e");
        }
        Builder b = new Builder(name);
        long pos = MAGIC.length;
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        while (pos + HEADER <= size) {
            header.clear();
            readFully(ch, header, pos);
            long timestamp = Integer.toUnsignedLong(header.getInt(0));
            int type = header.get(4) & 0xff;
            long serverId = Integer.toUnsignedLong(header.getInt(5));
            long eventSize = Integer.toUnsignedLong(header.getInt(9));
            if (eventSize < HEADER) {
                throw new IOException(name + " is damaged at offset " + pos + ": an event of " + eventSize + " bytes");
            }
            if (pos + eventSize > size) {
                break; // the event being written: not archived until complete
            }
            if (type == FORMAT_DESCRIPTION_EVENT || type == GTID_EVENT || type == GTID_LIST_EVENT
                    || type == ROTATE_EVENT) {
                ByteBuffer body = ByteBuffer.allocate((int) (eventSize - HEADER)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, body, pos + HEADER);
                b.event(type, serverId, timestamp, body);
            } else {
                b.event(type, serverId, timestamp, null);
            }
            pos += eventSize;
        }
        return b.build(pos, crc32c(ch, pos));
    }

    private static BinlogScan empty(String name) {
        return new Builder(name).build(0, HexFormat.of().toHexDigits(new CRC32C().getValue(), 8));
    }

    /** CRC32C of the first {@code length} bytes, as 8 hex digits (as the backup manifests write it). */
    static String crc32c(FileChannel ch, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ch.position(0);
        InputStream in = Channels.newInputStream(ch);
        byte[] buf = new byte[1 << 16];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("the file shrank while it was read");
            }
            crc.update(buf, 0, n);
            left -= n;
        }
        return HexFormat.of().toHexDigits(crc.getValue(), 8);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                throw new IOException("unexpected end of file at offset " + (pos + buf.position()));
            }
        }
        buf.flip();
    }

    private static final class Builder {
        private final String name;
        private int checksumLength;
        private long serverId;
        private final List<Gtid> gtidList = new ArrayList<>();
        private final Map<Long, Gtid> first = new TreeMap<>();
        private final Map<Long, Gtid> last = new TreeMap<>();
        private Instant firstTime;
        private Instant lastTime;
        private String rotatesTo;
        private boolean stopped;

        Builder(String name) {
            this.name = name;
        }

        void event(int type, long eventServerId, long timestamp, ByteBuffer body) {
            if (timestamp > 0) {
                Instant t = Instant.ofEpochSecond(timestamp);
                firstTime = firstTime == null || t.isBefore(firstTime) ? t : firstTime;
                lastTime = lastTime == null || t.isAfter(lastTime) ? t : lastTime;
            }
            switch (type) {
                case FORMAT_DESCRIPTION_EVENT -> {
                    serverId = eventServerId;
                    // Its last five bytes: the checksum algorithm, then the event's own checksum.
                    int alg = body.get(body.limit() - 5) & 0xff;
                    checksumLength = alg == CRC32_ALG ? 4 : 0;
                }
                case GTID_LIST_EVENT -> {
                    long count = Integer.toUnsignedLong(body.getInt(0)) & 0x0fffffffL;
                    for (int i = 0; i < count; i++) {
                        int at = 4 + i * 16;
                        gtidList.add(new Gtid(Integer.toUnsignedLong(body.getInt(at)),
                                Integer.toUnsignedLong(body.getInt(at + 4)), body.getLong(at + 8)));
                    }
                }
                case GTID_EVENT -> {
                    Gtid g = new Gtid(Integer.toUnsignedLong(body.getInt(8)), eventServerId, body.getLong(0));
                    first.putIfAbsent(g.domain(), g);
                    last.put(g.domain(), g);
                }
                case ROTATE_EVENT -> {
                    byte[] next = new byte[body.limit() - 8 - checksumLength];
                    body.get(8, next);
                    String target = new String(next, StandardCharsets.UTF_8);
                    // A rotate naming this very file is the dump's announcement, not a close.
                    rotatesTo = target.equals(name) ? rotatesTo : target;
                }
                case STOP_EVENT -> stopped = true;
                default -> { }
            }
        }

        BinlogScan build(long validLength, String checksum) {
            gtidList.sort(java.util.Comparator.comparingLong(Gtid::domain).thenComparingLong(Gtid::server));
            return new BinlogScan(name, validLength, serverId, List.copyOf(gtidList),
                    Collections.unmodifiableMap(new TreeMap<>(first)), Collections.unmodifiableMap(new TreeMap<>(last)),
                    firstTime, lastTime, rotatesTo, stopped, checksum);
        }
    }
}
