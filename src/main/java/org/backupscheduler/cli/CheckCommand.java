package org.backupscheduler.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.backupscheduler.Bytes;
import org.backupscheduler.UserError;
import org.backupscheduler.config.SshConfig;
import org.backupscheduler.engine.HostCheck;
import org.backupscheduler.engine.SshHost;
import org.backupscheduler.migrate.NonInnodbTable;
import org.backupscheduler.migrate.Readiness;
import org.backupscheduler.server.Grants;
import org.backupscheduler.server.ServerConnections;
import org.backupscheduler.server.ServerFacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backup check}: a checklist, ✓ or ✗ per item with the fix for each ✗. Each item is one
 * method returning {@link CheckItem}s; more items (grants, engine, disk, replicas) are added to
 * {@link #items} without touching the rest.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check the source is ready: connectivity, tables that still need a lock; with source.ssh "
                + "the engine, datadir and free space on its host.",
        footer = {"%nExamples:", "  bin/backup check", "  bin/backup check --copy-rate 200",
            "%nExit 3 when an item is ✗ (the fix is printed under it)."})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--copy-rate", paramLabel = "MiB/s",
            description = "copy rate for lock times; default: measured by reading the datadir, if local")
    Double copyRateMb;

    /** One line of the checklist; {@code details} and {@code fix} are printed under a ✗. */
    record CheckItem(boolean ok, String title, List<String> details, List<String> fix) {
    }

    @Override
    public Integer call() {
        try (Context ctx = Context.of(spec)) {
            List<CheckItem> items = items(ctx);
            for (CheckItem i : items) {
                ctx.out().println((i.ok() ? "✓ " : "✗ ") + i.title());
                i.details().forEach(d -> ctx.out().println("    " + d));
                i.fix().forEach(f -> ctx.out().println("    fix: " + f));
            }
            return items.stream().allMatch(CheckItem::ok) ? UserError.OK : UserError.PROBLEMS;
        }
    }

    private List<CheckItem> items(Context ctx) {
        List<CheckItem> items = new ArrayList<>();
        Path datadir = ctx.config().source().datadir();
        try (Connection c = ServerConnections.open(ctx.source())) {
            ServerFacts facts = ServerFacts.read(c);
            datadir = datadir != null ? datadir : facts.datadir();
            items.add(new CheckItem(true, "source reachable: " + describe(ctx) + " (" + facts.version() + ")",
                    List.of(), List.of()));
            items.add(grants(c, ctx));
            if (!Readiness.seesEveryTable(c)) {
                // an empty list would be a false "all InnoDB": say what is missing instead
                items.add(new CheckItem(false, "user '" + ctx.config().source().user() + "' sees only the tables "
                        + "it holds a privilege on: the list of tables that need a lock may be incomplete", List.of(),
                        List.of("GRANT SELECT ON *.* TO the source user for this check, or run it with a user that "
                                + "has it (--config pointing at that user)")));
            }
            items.add(lockedTables(c, facts.datadir()));
        } catch (SQLException e) {
            items.add(new CheckItem(false, "source not reachable at " + describe(ctx) + ": " + e.getMessage(),
                    List.of(), List.of("check source.host/port/socket, source.user and the password-file")));
        }
        if (ctx.config().source().ssh() != null) {
            items.addAll(engineHost(ctx, datadir));
        }
        return items;
    }

    /** source.ssh: the login, then the engine, the datadir and the free space on the database host. */
    private static List<CheckItem> engineHost(Context ctx, Path datadir) {
        SshConfig ssh = ctx.config().source().ssh();
        List<CheckItem> items = new ArrayList<>();
        try (SshHost host = SshHost.open(ssh)) {
            items.add(new CheckItem(true, "logged in to " + host.describe() + " (host key in " + ssh.knownHosts() + ")",
                    List.of(), List.of()));
            for (HostCheck.Item i : HostCheck.check(host, ctx.config().engine().tool(), datadir)) {
                items.add(new CheckItem(i.ok(), i.title(), List.of(), i.fix() == null ? List.of() : List.of(i.fix())));
            }
        } catch (UserError e) {
            items.add(new CheckItem(false, e.getMessage(), List.of(), List.of(e.hint())));
        }
        return items;
    }

    /** The source account's privileges: each missing one named, with what needs it and the GRANT. */
    private static CheckItem grants(Connection c, Context ctx) throws SQLException {
        List<String> missing = Grants.missing(Grants.global(c), ctx.config().source().safeSlaveBackup());
        String user = ctx.config().source().user();
        if (missing.isEmpty()) {
            return new CheckItem(true, "user '" + user + "' has every privilege backups, replicas and the lock "
                    + "policy need", List.of(), List.of());
        }
        List<String> details = missing.stream().map(p -> "missing " + p + ": needed by " + Grants.NEEDED_BY.get(p))
                .toList();
        return new CheckItem(false, "user '" + user + "' lacks " + String.join(", ", missing), details,
                List.of("GRANT " + String.join(", ", missing) + " ON *.* TO '" + user + "'@'<its host>';"));
    }

    /** Non-InnoDB tables: their size, the lock each costs every backup, and the ALTER, largest first. */
    private CheckItem lockedTables(Connection c, Path datadir) throws SQLException {
        List<NonInnodbTable> tables = Readiness.nonInnodbTables(c);
        if (tables.isEmpty()) {
            return new CheckItem(true, "every user table it can see is InnoDB: backups take no long lock",
                    List.of(), List.of());
        }
        Readiness.CopyRate rate = copyRate(datadir);
        List<String> details = new ArrayList<>();
        details.add("lock time = size / " + Bytes.human((long) rate.bytesPerSecond()) + "/s, " + rate.source());
        details.add(String.format("%-40s %-8s %9s %9s", "TABLE", "ENGINE", "SIZE", "LOCK"));
        long total = 0;
        for (NonInnodbTable t : tables) {
            String name = t.schema() + "." + t.table();
            details.add(String.format("%-40s %-8s %9s %8.2fs", name.length() > 40 ? name.substring(0, 37) + "..." : name,
                    t.engine(), Bytes.human(t.bytes()), rate.lockTime(t.bytes()).toMillis() / 1000.0));
            total += t.bytes();
        }
        return new CheckItem(false, tables.size() + " non-InnoDB tables (" + Bytes.human(total)
                + ") are copied under a lock on every backup", details,
                tables.stream().map(NonInnodbTable::alterStatement).toList());
    }

    private Readiness.CopyRate copyRate(Path datadir) {
        if (copyRateMb != null) {
            if (copyRateMb <= 0) {
                throw new UserError("--copy-rate must be more than 0 (got " + copyRateMb + ")",
                        "give the rate in MiB/s, such as --copy-rate 200", UserError.USAGE);
            }
            return new Readiness.CopyRate(copyRateMb * (1 << 20), "configured: --copy-rate " + copyRateMb + " MiB/s");
        }
        if (datadir != null && Files.isReadable(datadir)) {
            try {
                return Readiness.measure(datadir);
            } catch (IOException e) {
                // fall through to the assumed rate, saying why
            }
        }
        return new Readiness.CopyRate(100.0 * (1 << 20),
                "assumed: 100 MB/s (datadir not readable here; give --copy-rate)");
    }

    private static String describe(Context ctx) {
        var s = ctx.config().source();
        return s.socket() != null && s.host() == null ? s.socket() : s.host() + ":" + s.port();
    }
}
