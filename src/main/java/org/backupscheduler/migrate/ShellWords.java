package org.backupscheduler.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a crontab command the way sh would for our purpose: quotes and backslashes, and the
 * operators that end a simple command ({@code ; && || | > < 2>&1}) as words of their own, so the
 * hotcopy arguments stop where a redirect starts. No expansion is done ($VAR stays literal).
 * Each word keeps where it was in the command, quotes included, so a password can be cut out
 * of the line however it was quoted.
 */
final class ShellWords {
    static final String OPERATOR = "\u0000op:";

    /** A word as sh sees it, and the characters {@code [start, end)} of the command it came from. */
    record Word(String text, int start, int end) {
    }

    private ShellWords() {
    }

    static List<String> split(String command) {
        return words(command).stream().map(Word::text).toList();
    }

    static List<Word> words(String command) {
        List<Word> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int start = 0;
        int i = 0;
        while (i < command.length()) {
            char c = command.charAt(i);
            if (!inWord && !Character.isWhitespace(c) && ";&|<>".indexOf(c) < 0) {
                start = i;
            }
            if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                end = end < 0 ? command.length() : end;
                word.append(command, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                while (i < command.length() && command.charAt(i) != '"') {
                    if (command.charAt(i) == '\\' && i + 1 < command.length()) {
                        i++;
                    }
                    word.append(command.charAt(i++));
                }
                inWord = true;
                i++;
            } else if (c == '\\' && i + 1 < command.length()) {
                word.append(command.charAt(i + 1));
                inWord = true;
                i += 2;
            } else if (Character.isWhitespace(c)) {
                flush(words, word, inWord, start, i);
                inWord = false;
                i++;
            } else if (";&|<>".indexOf(c) >= 0) {
                // a leading fd number belongs to the redirect (2>&1, 1>>log)
                String fd = "";
                int opStart = i;
                if (inWord && word.toString().matches("\\d")) {
                    fd = word.toString();
                    opStart = start;
                    word.setLength(0);
                    inWord = false;
                }
                flush(words, word, inWord, start, i);
                inWord = false;
                int from = i;
                while (i < command.length() && ";&|<>".indexOf(command.charAt(i)) >= 0) {
                    i++;
                }
                String op = fd + command.substring(from, i);
                if (op.endsWith(">&") || op.endsWith("<&")) {
                    while (i < command.length() && Character.isDigit(command.charAt(i))) {
                        op += command.charAt(i++);
                    }
                }
                words.add(new Word(OPERATOR + op, opStart, i));
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        flush(words, word, inWord, start, Math.min(i, command.length()));
        return words;
    }

    static boolean isOperator(String word) {
        return word.startsWith(OPERATOR);
    }

    static boolean isRedirect(String word) {
        return isOperator(word) && (word.contains(">") || word.contains("<"));
    }

    private static void flush(List<Word> words, StringBuilder word, boolean inWord, int start, int end) {
        if (inWord) {
            words.add(new Word(word.toString(), start, end));
            word.setLength(0);
        }
    }
}
