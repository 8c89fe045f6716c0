package org.backupscheduler.cli;

import java.io.PrintWriter;

import org.backupscheduler.UserError;
import picocli.CommandLine;

/**
 * Turns an exception into one line saying what is wrong and a HINT line saying what to do;
 * the stack trace only with --debug.
 */
final class ErrorPrinter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean debug = parsed.hasMatchedOption("--debug") || isDebug(parsed);
        if (e instanceof UserError u) {
            err.println("error: " + u.getMessage());
            if (u.hint() != null) {
                err.println("HINT: " + u.hint());
            }
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
            return u.exitCode();
        }
        err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        err.println("HINT: this is unexpected; run again with --debug and report the stack trace");
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return UserError.FAILED;
    }

    private static boolean isDebug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
