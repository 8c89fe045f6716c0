package org.backupscheduler.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a crontab command the way sh would for our purpose: quotes and backslashes, and the
 * operators that end a simple command ({@code ; && || | > < 2>&1}) as words of their own, so the
 * hotcopy arguments stop where a redirect starts. No expansion is done ($VAR stays literal).
 */
final class ShellWords {
    static final String OPERATOR = "\u0000op:";

    private ShellWords() {
    }

    static List<String> split(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < command.length()) {
            char c = command.charAt(i);
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
                flush(words, word, inWord);
                inWord = false;
                i++;
            } else if (";&|<>".indexOf(c) >= 0) {
                // a leading fd number belongs to the redirect (2>&1, 1>>log)
                String fd = "";
                if (inWord && word.toString().matches("\\d")) {
                    fd = word.toString();
                    word.setLength(0);
                    inWord = false;
                }
                flush(words, word, inWord);
                inWord = false;
                int start = i;
                while (i < command.length() && ";&|<>".indexOf(command.charAt(i)) >= 0) {
                    i++;
                }
                String op = fd + command.substring(start, i);
                if (op.endsWith(">&") || op.endsWith("<&")) {
                    while (i < command.length() && Character.isDigit(command.charAt(i))) {
                        op += command.charAt(i++);
                    }
                }
                words.add(OPERATOR + op);
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        flush(words, word, inWord);
        return words;
    }

    static boolean isOperator(String word) {
        return word.startsWith(OPERATOR);
    }

    static boolean isRedirect(String word) {
        return isOperator(word) && (word.contains(">") || word.contains("<"));
    }

    private static void flush(List<String> words, StringBuilder word, boolean inWord) {
        if (inWord) {
            words.add(word.toString());
            word.setLength(0);
        }
    }
}
