package org.backupscheduler;

/**
 * An error the user can act on: one line saying what is wrong (with the values involved), a
 * hint saying what to do, and the documented exit code. The CLI prints it without a stack trace.
 */
public class UserError extends RuntimeException {
    // The exit codes of the CLI, each with one meaning, never reused; every command returns one of these.
    /** Done as asked. */
    public static final int OK = 0;
    /** The operation failed. */
    public static final int FAILED = 1;
    /** Bad usage or config; nothing was changed. */
    public static final int USAGE = 2;
    /** A check or verification found problems. */
    public static final int PROBLEMS = 3;
    /** Skipped: another run holds the lease. */
    public static final int SKIPPED = 4;

    private final String hint;
    private final int exitCode;

    public UserError(String message, String hint, int exitCode) {
        super(message);
        this.hint = hint;
        this.exitCode = exitCode;
    }

    public UserError(String message, String hint, int exitCode, Throwable cause) {
        super(message, cause);
        this.hint = hint;
        this.exitCode = exitCode;
    }

    public String hint() {
        return hint;
    }

    public int exitCode() {
        return exitCode;
    }
}
