package org.backupscheduler.storage;

import java.util.regex.Pattern;

/**
 * Object keys: relative, '/'-separated, each part a plain name. Nothing that could climb out of
 * the store's root ({@code ..}), start at the file system's root, or hide as one of our temp names.
 */
public final class Keys {
    private static final Pattern PART = Pattern.compile("[^/.\\p{Cntrl}][^/\\p{Cntrl}]*");

    private Keys() {
    }

    /** Returns {@code key} when it is a valid key, else throws IllegalArgumentException saying why. */
    public static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("empty object key");
        }
        for (String part : key.split("/", -1)) {
            if (!PART.matcher(part).matches()) {
                throw new IllegalArgumentException("bad object key '" + key + "': each part must be a name that "
                        + "does not start with '.' (those are our temp names), with no control characters");
            }
        }
        return key;
    }

    /** A prefix for list(): empty, or a key's first characters (may end with '/'). */
    public static String checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!body.isEmpty()) {
            check(body);
        }
        return prefix;
    }

    /** {@code a/b} + {@code c} = {@code a/b/c}; an empty base adds nothing. */
    public static String join(String base, String key) {
        return base == null || base.isEmpty() ? key : base.endsWith("/") ? base + key : base + "/" + key;
    }
}
