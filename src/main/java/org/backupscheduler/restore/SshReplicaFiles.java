package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.backupscheduler.config.SshConfig;
import org.backupscheduler.engine.EngineHost;

/**
 * The replica's datadir on its own host, reached through SSH: each check and change is a short
 * command there ({@code test}, {@code find -printf}, {@code cat /proc/locks}, {@code stat},
 * {@code mountpoint}, {@code mv -T}, {@code chown -R}), its arguments passed as words to
 * {@code sh -c} (never spliced into the script). The rename refuses to run when source and
 * target's folder are on different file systems: {@code mv} would copy and then delete.
 */
final class SshReplicaFiles implements ReplicaFiles {
    private static final Duration SHORT = Duration.ofSeconds(30);

    private final EngineHost host;
    private final SshConfig ssh;

    SshReplicaFiles(EngineHost host, SshConfig ssh) {
        this.host = host;
        this.ssh = ssh;
    }

    /** Runs {@code script} with {@code args} as $1.. there; its status and output. */
    private EngineHost.CommandOutput sh(String script, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        argv.addAll(List.of(args));
        return host.run(argv, SHORT);
    }

    private String must(String what, String script, String... args) throws IOException {
        EngineHost.CommandOutput out = sh(script, args);
        if (!out.succeeded()) {
            throw new IOException(what + " on " + host.describe() + " failed (exit " + out.exitCode() + "): "
                    + out.output().strip());
        }
        return out.output();
    }

    @Override
    public boolean exists(Path p) throws IOException {
        return sh("test -e \"$1\"", p.toString()).succeeded();
    }

    @Override
    public boolean isDirectory(Path p) throws IOException {
        return sh("test -d \"$1\"", p.toString()).succeeded();
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        String out = must("listing " + dir, "test -d \"$1\" || exit 0; find \"$1\" -mindepth 1 -maxdepth 1 -printf '%f\\n'",
                dir.toString());
        return out.lines().filter(l -> !l.isEmpty()).map(dir::resolve).toList();
    }

    @Override
    public Map<String, Path> topFiles(Path dir) throws IOException {
        String out = must("listing " + dir, "test -d \"$1\" || exit 0; "
                + "find \"$1\" -mindepth 1 -maxdepth 1 -type f -printf '%D %i %f\\n'", dir.toString());
        Map<String, Path> files = new HashMap<>();
        for (String line : out.lines().toList()) {
            String[] w = line.split(" ", 3);
            if (w.length == 3 && w[0].matches("\\d+") && w[1].matches("\\d+")) {
                files.put(ReplicaFiles.lockId(Long.parseLong(w[0]), Long.parseLong(w[1])), dir.resolve(w[2]));
            }
        }
        return files;
    }

    @Override
    public List<String> locks() throws IOException {
        return must("reading /proc/locks", "cat /proc/locks").lines().toList();
    }

    @Override
    public Optional<PidFile> pidFile(Path file) throws IOException {
        EngineHost.CommandOutput out = sh("test -f \"$1\" || exit 3; stat -c %.3Y \"$1\" && head -c 64 \"$1\"",
                file.toString());
        if (out.exitCode() == 3) {
            return Optional.empty();
        }
        if (!out.succeeded()) {
            throw new IOException("reading " + file + " on " + host.describe() + " failed: " + out.output().strip());
        }
        List<String> lines = out.output().lines().toList();
        try {
            Instant written = Instant.ofEpochMilli(Math.round(Double.parseDouble(lines.get(0).strip()) * 1000));
            return Optional.of(new PidFile(Long.parseLong(lines.size() > 1 ? lines.get(1).strip() : ""), written));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Proc> process(long pid) throws IOException {
        // stat, comm, the boot time and the clock tick: the start is btime + starttime/CLK_TCK.
        EngineHost.CommandOutput out = sh("cat /proc/\"$1\"/stat /proc/\"$1\"/comm 2>/dev/null || exit 3; "
                + "grep '^btime ' /proc/stat; getconf CLK_TCK", Long.toString(pid));
        if (out.exitCode() == 3) {
            return Optional.empty();
        }
        if (!out.succeeded()) {
            throw new IOException("reading /proc/" + pid + " on " + host.describe() + " failed: "
                    + out.output().strip());
        }
        List<String> lines = out.output().lines().toList();
        if (lines.size() < 4) {
            throw new IOException("reading /proc/" + pid + " on " + host.describe() + " gave: " + out.output().strip());
        }
        String stat = lines.get(0);
        int close = stat.lastIndexOf(')');
        String[] after = stat.substring(close + 2).split(" ");
        char state = after[0].isEmpty() ? '?' : after[0].charAt(0);
        if (state == 'Z' || state == 'X' || state == 'x') {
            return Optional.empty();
        }
        Optional<Instant> started = Optional.empty();
        try {
            long ticks = Long.parseLong(after[19]); // field 22 of stat; after[0] is field 3
            long btime = Long.parseLong(lines.get(2).substring("btime ".length()).strip());
            long hz = Long.parseLong(lines.get(3).strip());
            started = Optional.of(Instant.ofEpochMilli(btime * 1000 + ticks * 1000 / hz));
        } catch (RuntimeException e) {
            // unknown start: the pid file's process counts as the server
        }
        return Optional.of(new Proc(lines.get(1).strip(), started));
    }

    @Override
    public boolean isMountPoint(Path dir) throws IOException {
        return sh("mountpoint -q \"$1\"", dir.toString()).succeeded();
    }

    @Override
    public long usableSpace(Path dir) throws IOException {
        String out = must("df " + dir, "d=\"$1\"; while [ ! -e \"$d\" ]; do d=$(dirname \"$d\"); done; "
                + "df -B1 --output=avail \"$d\" | tail -n 1", dir.toString());
        try {
            return Long.parseLong(out.strip());
        } catch (NumberFormatException e) {
            throw new IOException("df " + dir + " on " + host.describe() + " gave: " + out.strip());
        }
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        must("renaming " + from + " to " + to,
                "set -e; test ! -e \"$2\" || { echo \"$2 exists\"; exit 1; }; "
                        + "test \"$(stat -c %d \"$1\")\" = \"$(stat -c %d \"$(dirname \"$2\")\")\" "
                        + "|| { echo \"$1 and $(dirname \"$2\") are on different file systems\"; exit 1; }; "
                        + "mv -T \"$1\" \"$2\"", from.toString(), to.toString());
    }

    @Override
    public void chown(Path root, String user) throws IOException {
        must("chown -R " + user + " " + root, "chown -R -- \"$1\" \"$2\"", user, root.toString());
    }

    @Override
    public String commandLine(String shellLine) {
        return Undo.shell(List.of("ssh", "-p", Integer.toString(ssh.port()), "-i", ssh.identityFile().toString(),
                "-o", "UserKnownHostsFile=" + ssh.knownHosts(), ssh.user() + "@" + ssh.host(), shellLine));
    }
}
