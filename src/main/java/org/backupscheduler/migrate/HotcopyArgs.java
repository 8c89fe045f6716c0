package org.backupscheduler.migrate;

import static org.backupscheduler.migrate.CrontabParser.MASK;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.backupscheduler.migrate.CrontabParser.Cut;
import org.backupscheduler.migrate.ShellWords.Word;

/**
 * The arguments of one hotcopy command, read by its own rules ({@link HotcopyOptions}): the
 * values of its options, its flags, its databases and target. The words that hold its password
 * become cuts of the line; the password itself is never kept.
 */
record HotcopyArgs(Map<String, String> values, List<String> flags, List<String> regexps, List<String> positional,
                   boolean password) {

    /** Reads {@code args} (the words after the tool's name), adding the password's words to {@code cuts}. */
    static HotcopyArgs read(int n, List<Word> args, List<Cut> cuts, List<String> warnings) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        List<String> regexps = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        boolean password = false;
        for (int i = 0; i < args.size(); i++) {
            Word w = args.get(i);
            String a = w.text();
            if (a.equals("--")) {
                args.subList(i + 1, args.size()).forEach(p -> positional.add(p.text()));
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            HotcopyOptions.Parsed o = HotcopyOptions.parse(a);
            if (o.option() == null || !o.option().valued()) {
                String name = o.option() == null ? o.name().replaceFirst("^-+", "") : o.option().key();
                flags.add((o.negated() ? "no-" : "") + name.replace('_', '-'));
                continue;
            }
            String value = o.value();
            if (o.isPassword()) {
                password = true;
                if (value != null) {
                    boolean glued = !a.startsWith(o.name() + "=");
                    cuts.add(new Cut(w.start(), w.end(), o.name() + (glued ? "" : "=") + MASK));
                } else if (i + 1 < args.size()) {
                    cuts.add(new Cut(args.get(i + 1).start(), args.get(i + 1).end(), MASK));
                }
            }
            if (value == null) {
                // Getopt::Long gives a valued option the next word, whatever it looks like.
                if (i + 1 >= args.size()) {
                    warnings.add("line " + n + ": " + o.name() + " has no value");
                    continue;
                }
                value = args.get(++i).text();
            }
            if (o.isPassword()) {
                continue;
            }
            if (o.option().key().equals("regexp")) {
                regexps.add(value);
            } else {
                values.put(o.option().key(), value);
            }
        }
        return new HotcopyArgs(values, flags, regexps, positional, password);
    }

    /** The job of line {@code n}: hotcopy's positional words are databases, then maybe a target. */
    HotcopyJob job(int n, String redactedLine, String schedule, String tool, boolean envPassword,
                   List<String> warnings) {
        if (password) {
            warnings.add("line " + n + ": the crontab holds a password (-p/--password); it is not copied. "
                    + "Write it to the password-file named in the config (mode 0600) and remove it from the "
                    + "crontab");
        }
        // mysqlhotcopy: db... [target]; the last argument is the target when it is a path
        List<String> dbs = positional;
        String target = null;
        if (dbs.size() > 1 || (dbs.size() == 1 && !regexps.isEmpty())) {
            String last = dbs.get(dbs.size() - 1);
            if (last.startsWith("/") || last.startsWith("~") || last.startsWith("$") || last.startsWith(".")) {
                target = last;
                dbs = dbs.subList(0, dbs.size() - 1);
            }
        }
        List<String> databases = new ArrayList<>();
        List<String> tableRegexps = new ArrayList<>(regexps);
        for (String p : dbs) {
            int slash = p.indexOf("./");
            if (slash > 0 && p.endsWith("/")) {
                // db./regex/ copies only the matching tables of db
                databases.add(p.substring(0, slash));
                tableRegexps.add(p.substring(slash + 1));
            } else {
                databases.add(p);
            }
        }
        Integer port = null;
        if (values.containsKey("port")) {
            try {
                port = Integer.valueOf(values.get("port"));
            } catch (NumberFormatException e) {
                warnings.add("line " + n + ": port '" + values.get("port") + "' is not a number, ignored");
            }
        }
        return new HotcopyJob(n, redactedLine, schedule, tool, values.get("user"), password || envPassword,
                values.get("host"), port, values.get("socket"), databases, tableRegexps, target, flags);
    }
}
