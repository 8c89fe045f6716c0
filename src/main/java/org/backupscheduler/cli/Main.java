package org.backupscheduler.cli;

import picocli.CommandLine;

/** Entry point: the only place that exits the process. */
public final class Main {
    static final String[] EXIT_CODES = {
        "0:success",
        "1:the operation failed",
        "2:bad usage or config (nothing was changed)",
        "3:a check or verification found problems",
        "4:skipped: another run holds the lease"};

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command tree; tests call {@code execute()} on it with their own streams. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BackupCommand());
        cl.setExecutionExceptionHandler(new ErrorPrinter());
        cl.setParameterExceptionHandler(new UsageErrorPrinter());
        applyExitCodeList(cl);
        return cl;
    }

    private static void applyExitCodeList(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(
                java.util.Arrays.stream(EXIT_CODES).collect(java.util.stream.Collectors.toMap(
                        s -> s.substring(0, s.indexOf(':')), s -> s.substring(s.indexOf(':') + 1),
                        (a, b) -> a, java.util.LinkedHashMap::new)));
        cl.getSubcommands().values().forEach(Main::applyExitCodeList);
    }
}
