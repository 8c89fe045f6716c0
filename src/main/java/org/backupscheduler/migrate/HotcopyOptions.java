package org.backupscheduler.migrate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * mysqlhotcopy's options, read as it reads them: its Getopt::Long spec (mariadb-hotcopy 10.11,
 * {@code GetOptions(...)} with {@code no_ignore_case}), so an option is found by any spelling
 * the tool itself accepts: one or two dashes ({@code -password}), any unique abbreviation
 * ({@code --pass}, {@code --pa}), {@code no}/{@code no-} before a negatable one, the value after
 * {@code =} or in the next word. Knowing which words are values is what keeps a password from
 * being taken for a database name.
 */
final class HotcopyOptions {
    /** One option: its names (the first is the key), whether it takes a value, whether {@code !}. */
    record Option(List<String> names, boolean valued, boolean negatable) {
        String key() {
            return names.get(0);
        }
    }

    /** The spec of mariadb-hotcopy's GetOptions call, in its order. */
    static final List<Option> SPEC = List.of(
            flag("help"), valued("host", "h"), valued("user", "u"), valued("password", "p"), valued("port", "P"),
            valued("socket", "S"), flag("old_server"), negatable("allowold"), negatable("keepold"),
            negatable("addtodest"), negatable("noindices"), valued("method"), flag("debug"), flag("quiet", "q"),
            negatable("mv"), valued("regexp"), valued("suffix"), valued("checkpoint"), valued("record_log_pos"),
            flag("flushlog"), flag("resetmaster"), flag("resetslave"), valued("tmpdir", "t"), flag("dryrun", "n"),
            valued("chroot"));

    /**
     * An option name hotcopy would refuse but whose value is a secret all the same
     * ({@code --passwd}, {@code --pwd}): treated as the password.
     */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(pass|pwd).*");

    /**
     * A word taken apart: the option (null when unknown), its name as written, its inline value,
     * and whether it was the {@code no} form of a negatable option.
     */
    record Parsed(Option option, String name, String value, boolean negated) {
        boolean isPassword() {
            return option != null && option.key().equals("password");
        }
    }

    private HotcopyOptions() {
    }

    /**
     * The option a word starting with '-' names, and its value when written in the same word
     * ({@code --password=x}, {@code -p=x}; also {@code -px}, which hotcopy itself refuses but a
     * crontab may still carry).
     */
    static Parsed parse(String word) {
        String dashes = word.startsWith("--") ? "--" : "-";
        String body = word.substring(dashes.length());
        String value = null;
        int eq = body.indexOf('=');
        if (eq > 0) {
            value = body.substring(eq + 1);
            body = body.substring(0, eq);
        }
        Option option = find(body);
        if (option == null && value == null && dashes.equals("-") && body.length() > 1) {
            // -uroot, -psecret: a one-letter option with its value glued on
            Option letter = exact(body.substring(0, 1));
            if (letter != null && letter.valued()) {
                return new Parsed(letter, "-" + body.charAt(0), body.substring(1), false);
            }
        }
        if (option == null && SECRET_NAME.matcher(body).matches()) {
            option = exact("password");
        }
        boolean negated = option != null && option.negatable() && !option.key().startsWith(body);
        return new Parsed(option, dashes + body, value, negated);
    }

    /** Getopt::Long's lookup: an exact name, else the one option that many names start with. */
    static Option find(String name) {
        Option exact = exact(name);
        if (exact != null) {
            return exact;
        }
        Set<Option> matches = new LinkedHashSet<>();
        for (Option o : SPEC) {
            for (String n : spellings(o)) {
                if (n.startsWith(name)) {
                    matches.add(o);
                }
            }
        }
        return matches.size() == 1 ? matches.iterator().next() : null;
    }

    private static Option exact(String name) {
        for (Option o : SPEC) {
            if (spellings(o).contains(name)) {
                return o;
            }
        }
        return null;
    }

    private static List<String> spellings(Option o) {
        List<String> all = new ArrayList<>(o.names());
        if (o.negatable()) {
            all.add("no" + o.key());
            all.add("no-" + o.key());
        }
        return all;
    }

    private static Option flag(String... names) {
        return new Option(List.of(names), false, false);
    }

    private static Option negatable(String name) {
        return new Option(List.of(name), false, true);
    }

    private static Option valued(String... names) {
        return new Option(List.of(names), true, false);
    }
}
