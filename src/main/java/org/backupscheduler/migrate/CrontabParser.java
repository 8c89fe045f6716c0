package org.backupscheduler.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.backupscheduler.migrate.ShellWords.Word;

/**
 * Reads a user crontab (or /etc/crontab, with its user field) and takes apart every line that
 * runs {@code mysqlhotcopy} or {@code mariadb-hotcopy}. Other lines are ignored; environment
 * lines (MAILTO, PATH, ...) are collected. A password (any spelling hotcopy accepts, MYSQL_PWD,
 * or another command's {@code -p}) is recorded only as "was there" and cut out of the line as
 * written, quotes and all: it is never kept, so it cannot leak into a config or a log.
 */
public final class CrontabParser {
    private static final Pattern ENV = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)$");
    private static final Pattern NICKNAME = Pattern.compile("@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)");
    private static final Pattern TOOL = Pattern.compile("(?:.*/)?(mysqlhotcopy|mariadb-hotcopy)");
    /** {@code NAME=} of an environment variable holding a password, {@code -p}, {@code --pass...=}. */
    private static final Pattern FOREIGN_SECRET = Pattern.compile(
            "((?i:[A-Za-z_]*(?:PWD|PASS)[A-Za-z_]*=)|-p(?=.)|--?(?i:pass)[A-Za-z_-]*=).*", Pattern.DOTALL);
    static final String MASK = "****";

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
        List<Word> words = ShellWords.words(command);
        int toolAt = -1;
        for (int i = 0; i < words.size(); i++) {
            if (TOOL.matcher(words.get(i).text()).matches()) {
                toolAt = i;
                break;
            }
        }
        if (toolAt < 0) {
            return null;
        }
        String tool = TOOL.matcher(words.get(toolAt).text()).replaceAll("$1");
        int argsEnd = toolAt + 1;
        while (argsEnd < words.size() && !ShellWords.isOperator(words.get(argsEnd).text())) {
            argsEnd++;
        }
        List<Cut> cuts = new ArrayList<>();
        HotcopyArgs args = HotcopyArgs.read(n, words.subList(toolAt + 1, argsEnd), cuts, warnings);
        // The other words of the line (an environment prefix, the commands around hotcopy's) are
        // not hotcopy's: cut whatever looks like a password there too.
        boolean envPassword = false;
        for (int i = 0; i < words.size(); i++) {
            if (i <= toolAt || i >= argsEnd) {
                envPassword |= cutForeignSecret(words.get(i), cuts) && i < toolAt;
            }
        }
        if (envPassword) {
            warnings.add("line " + n + ": the hotcopy command is given a password in its environment; it is not "
                    + "copied. Write it to the password-file named in the config (mode 0600) and remove it "
                    + "from the crontab");
        }
        String redacted = redact(line, line.length() - command.length(), cuts);
        return args.job(n, redacted, schedule, tool, envPassword, warnings);
    }

    /** Part of the line to replace: characters {@code [start, end)} of the command. */
    record Cut(int start, int end, String replacement) {
    }

    /**
     * A word of another command (or the environment) that carries a password the way MySQL's
     * tools and the shell spell it: {@code MYSQL_PWD=x}, {@code -px}, {@code --password=x}.
     */
    private static boolean cutForeignSecret(Word w, List<Cut> cuts) {
        Matcher m = FOREIGN_SECRET.matcher(w.text());
        if (!m.matches()) {
            return false;
        }
        cuts.add(new Cut(w.start(), w.end(), m.group(1) + MASK));
        return true;
    }

    /** The line with every cut (offsets in the command, which starts at {@code offset}) masked. */
    static String redact(String line, int offset, List<Cut> cuts) {
        StringBuilder out = new StringBuilder(line);
        cuts.stream().sorted((x, y) -> Integer.compare(y.start(), x.start())).forEach(c ->
                out.replace(offset + c.start(), offset + c.end(), c.replacement()));
        return out.toString();
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
