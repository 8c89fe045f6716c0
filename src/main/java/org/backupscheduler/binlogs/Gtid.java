package org.backupscheduler.binlogs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** A MariaDB GTID, {@code domain-server-sequence}, as the server writes it. */
public record Gtid(long domain, long server, long seq) {

    public static Gtid parse(String text) {
        String[] parts = text.strip().split("-");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a GTID (domain-server-sequence): '" + text + "'");
        }
        try {
            return new Gtid(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a GTID (domain-server-sequence): '" + text + "'", e);
        }
    }

    /** A comma-separated list ("0-1-5,3-1-2"); empty or null text is an empty list. */
    public static List<Gtid> parseList(String text) {
        List<Gtid> list = new ArrayList<>();
        if (text != null) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    list.add(parse(part));
                }
            }
        }
        return list;
    }

    public static String format(Collection<Gtid> gtids) {
        return gtids.stream().map(Gtid::toString).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return domain + "-" + server + "-" + seq;
    }
}
