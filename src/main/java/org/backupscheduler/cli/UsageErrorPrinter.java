package org.backupscheduler.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

import org.backupscheduler.UserError;

/** Bad flags or arguments: one line, a HINT pointing at --help, exit 2. */
final class UsageErrorPrinter implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("error: " + e.getMessage());
        err.println("HINT: see '" + cl.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return UserError.USAGE;
    }
}
