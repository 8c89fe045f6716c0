package org.backupscheduler.restore;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import org.backupscheduler.UserError;

/**
 * {@code backup restore --stop DIR}: ends the server that {@code --serve} left on the side copy
 * DIR, and only it: the pid is signalled only while it is the very process recorded (same start
 * time, started on DIR). SIGTERM, so the copy stays clean for the next start.
 */
public final class SideStop {
    private SideStop() {
    }

    public static void stop(Path dir, PrintWriter out) throws IOException, InterruptedException {
        Path datadir = dir.toAbsolutePath().normalize();
        Optional<ServeRecord> record = ServeRecord.read(datadir);
        if (record.isEmpty()) {
            throw new UserError("no side server of ours is recorded in " + datadir + " (no " + ServeRecord.FILE
                    + "); nothing was signalled", "'backup restore ... --to " + datadir + " --serve' records the one it "
                    + "starts; a server started by hand is stopped by hand", UserError.USAGE);
        }
        ServeRecord r = record.get();
        Optional<ProcessHandle> server;
        try {
            server = r.running();
        } catch (IllegalStateException reused) {
            throw new UserError("the side server recorded in " + ServeRecord.file(datadir) + " has ended and "
                    + reused.getMessage() + "; nothing was signalled", "remove " + ServeRecord.file(datadir)
                    + " (the side server it names is gone)", UserError.USAGE);
        }
        if (server.isEmpty()) {
            Files.delete(ServeRecord.file(datadir));
            out.println("the side server (pid " + r.pid() + ") on " + datadir + " had already ended");
            return;
        }
        server.get().destroy();
        Instant deadline = Instant.now().plus(SideServer.SHUTDOWN);
        while (server.get().isAlive() && !ServeRecord.zombie(r.pid())) {
            if (Instant.now().isAfter(deadline)) {
                throw new UserError("the side server (pid " + r.pid() + ") on " + datadir + " still runs "
                        + SideServer.SHUTDOWN.toSeconds() + "s after SIGTERM", "see " + datadir.resolve(
                        SideServer.ERROR_LOG) + "; 'kill -KILL " + r.pid() + "' ends it (the copy then needs crash "
                        + "recovery at its next start)", UserError.FAILED);
            }
            Thread.sleep(100);
        }
        Files.delete(ServeRecord.file(datadir));
        out.println("stopped the side server (pid " + r.pid() + ") on " + datadir + "; the copy stays in " + datadir);
    }
}
