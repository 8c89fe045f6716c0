package org.backupscheduler.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import org.backupscheduler.UserError;
import picocli.CommandLine;

/** Entry point: the only place that exits the process. */
public final class Main {
    /** What each exit code means, as every command's --help lists it. */
    private static final Map<String, String> EXIT_CODES = new LinkedHashMap<>();

    static {
        EXIT_CODES.put(String.valueOf(UserError.OK), "success");
        EXIT_CODES.put(String.valueOf(UserError.FAILED), "the operation failed");
        EXIT_CODES.put(String.valueOf(UserError.USAGE), "bad usage or config (nothing was changed)");
        EXIT_CODES.put(String.valueOf(UserError.PROBLEMS), "a check or verification found problems");
        EXIT_CODES.put(String.valueOf(UserError.SKIPPED), "skipped: another run holds the lease");
    }

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
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        cl.getSubcommands().values().forEach(Main::applyExitCodeList);
    }
}
