package org.backupscheduler.house;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Exit codes are named ({@code UserError.OK}, {@code FAILED}, {@code USAGE}, {@code PROBLEMS},
 * {@code SKIPPED}), never written as numbers: a command's {@code return 2} or a
 * {@code new UserError(..., 1)} is found here with its file and line.
 */
class ExitCodesTest {
    private static final Path SOURCES = Path.of("src/main/java/org/backupscheduler");
    /** Where a UserError is built; the statement runs to the next ';'. */
    private static final Pattern NEW_ERROR = Pattern.compile("new (?:org\\.backupscheduler\\.)?UserError\\(");
    /** A number as its exit code: ", 2)" or ", 2, cause)" closing the call. */
    private static final Pattern NUMBER_LAST = Pattern.compile(",\\s*\\d\\s*(?:,\\s*\\w+\\s*)?\\)\\s*\\)?$");
    /** A command returning a number. */
    private static final Pattern NUMBERED_RETURN = Pattern.compile("return\\s+\\d\\s*;|\\?\\s*\\d\\s*:\\s*UserError\\.");

    @Test
    void exitCodesAreNamed() throws IOException {
        List<String> numbered = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher m = NEW_ERROR.matcher(text);
                while (m.find()) {
                    int end = text.indexOf(';', m.end());
                    String call = text.substring(m.start(), end < 0 ? text.length() : end);
                    if (NUMBER_LAST.matcher(call).find()) {
                        numbered.add(SOURCES.relativize(file) + ":" + line(text, m.start()) + ": "
                                + call.replaceAll("\\s+", " "));
                    }
                }
                if (file.startsWith(SOURCES.resolve("cli"))) {
                    find(NUMBERED_RETURN, text, file, numbered);
                }
            }
        }
        assertEquals(List.of(), numbered);
    }

    private static void find(Pattern p, String text, Path file, List<String> out) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(SOURCES.relativize(file) + ":" + line(text, m.start()) + ": " + m.group().replaceAll("\\s+", " "));
        }
    }

    private static int line(String text, int at) {
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }
}
