package org.backupscheduler.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a user crontab (or /etc/crontab, with its user field) and takes apart every line that
 * runs {@code mysqlhotcopy} or {@code mariadb-hotcopy}. Other lines are ignored; environment
 * lines (MAILTO, PATH, ...) are collected. A password (-p, --password, MYSQL_PWD) is recorded
 * only as "was there": it is never kept, so it cannot leak into a config or a log.
 */
public final class CrontabParser {
    private static final Pattern ENV = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)$");
    private static final Pattern NICKNAME = Pattern.compile("@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)");
    private static final Pattern TOOL = Pattern.compile("(?:.*/)?(mysqlhotcopy|mariadb-hotcopy)");
    /** Options that take a value, by every spelling mysqlhotcopy accepts (Getopt::Long). */
    private static final Map<String, String> VALUED = Map.ofEntries(
            Map.entry("-u", "user"), Map.entry("--user", "user"),
            Map.entry("-p", "password"), Map.entry("--password", "password"),
            Map.entry("-h", "host"), Map.entry("--host", "host"),
            Map.entry("-P", "port"), Map.entry("--port", "port"),
            Map.entry("-S", "socket"), Map.entry("--socket", "socket"),
            Map.entry("--regexp", "regexp"), Map.entry("--method", "method"),
            Map.entry("--suffix", "suffix"), Map.entry("--checkpoint", "checkpoint"),
            Map.entry("--record_log_pos", "record_log_pos"), Map.entry("--tmpdir", "tmpdir"),
            Map.entry("--chroot", "chroot"));

    private CrontabParser() {
    }

    public static ParsedCrontab parse(List<String> lines) {
        List<HotcopyJob> jobs = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher e = ENV.matcher(line);
            if (e.matches()) {
                String name = e.group(1);
                if (name.equals("MYSQL_PWD")) {
                    warnings.add("line " + n + ": MYSQL_PWD holds a password; it is not copied, put it in the "
                            + "password-file named in the config (mode 0600)");
                } else {
                    env.put(name, unquote(e.group(2).strip()));
                }
                continue;
            }
            HotcopyJob job = parseJob(n, line, warnings);
            if (job != null) {
                jobs.add(job);
            }
        }
        return new ParsedCrontab(jobs, env, warnings);
    }

    private static HotcopyJob parseJob(int n, String line, List<String> warnings) {
        String[] fields = line.split("\\s+");
        String schedule;
        int commandStart;
        if (fields[0].startsWith("@")) {
            if (!NICKNAME.matcher(fields[0]).matches()) {
                warnings.add("line " + n + ": unknown schedule " + fields[0] + ", line ignored");
                return null;
            }
            schedule = fields[0];
            commandStart = 1;
        } else if (fields.length > 5) {
            schedule = String.join(" ", List.of(fields).subList(0, 5));
            commandStart = 5;
        } else {
            return null;
        }
        String command = line.split("\\s+", commandStart + 1)[commandStart];
        List<String> words = ShellWords.split(command);
        int toolAt = -1;
        for (int i = 0; i < words.size(); i++) {
            if (TOOL.matcher(words.get(i)).matches()) {
                toolAt = i;
                break;
            }
        }
        if (toolAt < 0) {
            return null;
        }
        String tool = TOOL.matcher(words.get(toolAt)).replaceAll("$1");
        List<String> args = new ArrayList<>();
        for (int i = toolAt + 1; i < words.size() && !ShellWords.isOperator(words.get(i)); i++) {
            args.add(words.get(i));
        }
        return build(n, line, schedule, tool, args, warnings);
    }

    private static HotcopyJob build(int n, String line, String schedule, String tool, List<String> args,
                                    List<String> warnings) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        List<String> regexps = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        boolean password = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (!a.startsWith("--") && a.length() > 2) {
                // -uroot, -psecret, -P3307: Getopt::Long bundled value
                name = a.substring(0, 2);
                value = a.substring(2);
            }
            String key = VALUED.get(name);
            if (key == null) {
                flags.add(name.replaceFirst("^-+", "").replace('_', '-'));
                continue;
            }
            if (value == null) {
                if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    warnings.add("line " + n + ": " + name + " has no value");
                    continue;
                }
            }
            if (key.equals("password")) {
                password = true;
            } else if (key.equals("regexp")) {
                regexps.add(value);
            } else {
                values.put(key, value);
            }
        }
        if (password) {
            warnings.add("line " + n + ": the crontab holds a password (-p/--password); it is not copied. "
                    + "Write it to the password-file named in the config (mode 0600) and remove it from the crontab");
        }
        // mysqlhotcopy: db... [target]; the last argument is the target when it is a path
        String target = null;
        if (positional.size() > 1 || (positional.size() == 1 && !regexps.isEmpty())) {
            String last = positional.get(positional.size() - 1);
            if (last.startsWith("/") || last.startsWith("~") || last.startsWith("$") || last.startsWith(".")) {
                target = last;
                positional = positional.subList(0, positional.size() - 1);
            }
        }
        List<String> databases = new ArrayList<>();
        for (String p : positional) {
            int slash = p.indexOf("./");
            if (slash > 0 && p.endsWith("/")) {
                // db./regex/ copies only the matching tables of db
                databases.add(p.substring(0, slash));
                regexps.add(p.substring(slash + 1));
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
        return new HotcopyJob(n, redact(line), schedule, tool, values.get("user"), password, values.get("host"),
                port, values.get("socket"), databases, regexps, target, flags);
    }

    /** The line with any password replaced, so it can be printed. */
    static String redact(String line) {
        return line.replaceAll("(--password[= ])\\S+", "$1****")
                .replaceAll("(\\s-p ?)(?!-)\\S+", "$1****")
                .replaceAll("(MYSQL_PWD=)\\S+", "$1****");
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
