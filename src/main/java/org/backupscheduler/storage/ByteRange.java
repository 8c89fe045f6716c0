package org.backupscheduler.storage;

/** A part of an object: {@code length} bytes from {@code offset}; {@link #ALL} is the whole. */
public record ByteRange(long offset, long length) {
    public static final ByteRange ALL = new ByteRange(0, Long.MAX_VALUE);

    public ByteRange {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
        }
    }

    public boolean isAll() {
        return offset == 0 && length == Long.MAX_VALUE;
    }

    /** The last byte's offset, inclusive (HTTP's Range header form), capped at Long.MAX_VALUE. */
    public long lastInclusive() {
        return length == 0 ? offset - 1 : Math.min(Long.MAX_VALUE, offset + (length - 1));
    }
}
