package org.backupscheduler.cli;

import java.io.PrintWriter;
import java.time.LocalDateTime;

import org.backupscheduler.UserError;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.restore.SideRestore;
import org.backupscheduler.restore.SideStop;

/** The side-restore forms of {@code backup restore}: {@code --to DIR [--serve]} and {@code --stop DIR}. */
final class SideCommands {
    private SideCommands() {
    }

    /** Which options go together; refused before the config is even read. */
    static void checkOptions(RestoreCommand c) {
        if (c.which == null) {
            throw new UserError("restore needs --latest or --id ID", "such as 'backup restore --latest --replica r1' "
                    + "or 'backup restore --latest --to DIR'", UserError.USAGE);
        }
        if (c.until != null && c.untilGtid != null) {
            throw new UserError("--until and --until-gtid both given", "name one target", UserError.USAGE);
        }
        if (c.to == null && (c.serve || c.untilGtid != null)) {
            throw new UserError((c.serve ? "--serve" : "--until-gtid") + " needs --to DIR",
                    "such as 'backup restore --latest --until-gtid 0-1-4711 --to /srv/restore/x --serve'",
                    UserError.USAGE);
        }
    }

    static int restore(RestoreCommand c, LocalDateTime until) throws Exception {
        try (Context ctx = Context.of(c.spec)) {
            SideRestore side = new SideRestore(ctx.config(), ctx.catalog().backups(), ctx.engine(),
                    Secrets.fromEnvironment(), ctx.out());
            side.restore(new SideRestore.Request(c.which.id, until, c.untilGtid, c.to, c.replica, c.serve, c.dryRun));
            return UserError.OK;
        }
    }

    /** No config needed: what to stop is recorded in DIR itself. */
    static int stop(RestoreCommand c, PrintWriter out) throws Exception {
        if (c.which != null || c.to != null || c.until != null || c.untilGtid != null || c.serve || c.replica != null) {
            throw new UserError("--stop DIR takes no other option", "run 'backup restore --stop DIR' alone",
                    UserError.USAGE);
        }
        SideStop.stop(c.stop, out);
        out.flush();
        return UserError.OK;
    }
}
