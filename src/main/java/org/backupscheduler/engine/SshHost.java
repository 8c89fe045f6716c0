package org.backupscheduler.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.backupscheduler.UserError;
import org.backupscheduler.config.SshConfig;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.ssh.SshAccessException;
import org.backupscheduler.ssh.SshSession;
import org.backupscheduler.ssh.SshTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database host, reached through SSH ({@code source.ssh}): the engine runs there through an
 * exec channel and its stream comes back as the channel's stdout. SSH runs a command through the
 * login shell of the remote user, so the argv is quoted word by word ({@link #quote}); the
 * credentials never appear in it: they travel on a channel's stdin into a 0600 file in a 0700
 * folder made there, removed when the run ends.
 */
public final class SshHost implements EngineHost {
    private static final Logger log = LoggerFactory.getLogger(SshHost.class);
    private static final Duration SHORT = Duration.ofSeconds(30);
    /** The parent's files an incremental reads: 10.11's name and 11.1+'s. */
    private static final List<String> CHECKPOINTS = List.of("xtrabackup_checkpoints", "mariadb_backup_checkpoints");
    private static final List<String> AUTO_ORDER = List.of("mariadb-backup", "mariabackup", "xtrabackup");

    private final SshSession ssh;

    private SshHost(SshSession ssh) {
        this.ssh = ssh;
    }

    /** Connects and logs in; a refused host key or login, or no server, is a one-line error with its fix. */
    public static SshHost open(SshConfig c) {
        return open(c, "source.ssh");
    }

    /** As above, for the config key {@code key} (source.ssh, replicas.NAME.ssh), named in the fixes. */
    public static SshHost open(SshConfig c, String key) {
        SshTarget t = new SshTarget(c.user(), c.host(), c.port(), c.identityFile(), c.knownHosts(), key);
        try {
            return new SshHost(SshSession.open(t));
        } catch (SshAccessException e) {
            throw switch (e.kind()) {
                case HOST_KEY -> new UserError(e.getMessage(), "if the host's key is right, add it: ssh-keyscan -p "
                        + t.port() + " " + t.host() + " >> " + t.knownHosts() + " (compare its fingerprint first)",
                        UserError.FAILED);
                case LOGIN -> new UserError("SSH " + e.getMessage(), "add the public key of " + key + ".identity-file to ~"
                        + t.user() + "/.ssh/authorized_keys on " + t.host() + ", or fix " + key + ".user", UserError.FAILED);
                case UNREACHABLE -> new UserError("SSH " + e.getMessage(), "check " + key + ".host and port, and that "
                        + "sshd runs there", UserError.FAILED);
            };
        }
    }

    @Override
    public EngineProcess start(List<String> argv, Path log, Output stdout) throws IOException {
        return SshProcess.start(this, argv, log, stdout);
    }

    @Override
    public CommandOutput run(List<String> argv, Duration deadline) throws IOException {
        return exec(quote(argv), null, deadline);
    }

    /**
     * A shell command line there ({@code stdin} fed to it, or none), waited for up to {@code deadline};
     * its stdout and stderr together. Our own fixed snippets only: an argv goes through {@link #quote}.
     */
    CommandOutput exec(String command, byte[] stdin, Duration deadline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChannelExec ch = ssh.session().createExecChannel(command)) {
            ch.setOut(out);
            ch.setErr(out);
            ch.open().verify(SshSession.TIMEOUT);
            try (OutputStream in = ch.getInvertedIn()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            Set<ClientChannelEvent> ended = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), deadline.toMillis());
            if (!ended.contains(ClientChannelEvent.CLOSED)) {
                throw new IOException("'" + firstWord(command) + "' on " + describe() + " did not end within "
                        + deadline.toSeconds() + "s");
            }
            Integer status = ch.getExitStatus();
            return new CommandOutput(status != null ? status : 255, out.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * Runs {@code argv} there with {@code stdin} copied into its standard input (a stored backup's
     * stream into {@code mbstream -x}), its stdout and stderr appended to {@code log}; waits up to
     * {@code deadline} after the input ended, then closes the channel. The command is started
     * with its pid first and {@code exec}, as the engine is, and ended as a process group on a
     * read error or the deadline.
     */
    public CommandOutput feed(List<String> argv, InputStream stdin, Path log, Duration deadline) throws IOException {
        String marker = "backup-scheduler: remote pid ";
        try (OutputStream logFile = Files.newOutputStream(log, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
             ChannelExec ch = ssh.session().createExecChannel("echo \"" + marker + "$$\" >&2 && exec " + quote(argv))) {
            OutputStream shared = new OutputStream() {
                @Override
                public synchronized void write(int b) throws IOException {
                    logFile.write(b);
                }

                @Override
                public synchronized void write(byte[] b, int off, int len) throws IOException {
                    logFile.write(b, off, len);
                }
            };
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ch.setOut(shared);
            ch.setErr(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public synchronized void write(byte[] b, int off, int len) throws IOException {
                    if (err.size() < 256) {
                        err.write(b, off, len);
                    }
                    shared.write(b, off, len);
                }
            });
            ch.open().verify(SshSession.TIMEOUT);
            IOException readError = null;
            try (OutputStream in = ch.getInvertedIn()) {
                stdin.transferTo(in);
            } catch (IOException e) {
                readError = e;
            }
            Set<ClientChannelEvent> ended = readError != null ? Set.of()
                    : ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), deadline.toMillis());
            if (!ended.contains(ClientChannelEvent.CLOSED)) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(marker + "(\\d+)")
                        .matcher(err.toString(StandardCharsets.UTF_8));
                if (m.find()) {
                    exec("kill -KILL -- -" + m.group(1) + " 2>/dev/null || kill -KILL " + m.group(1), null, SHORT);
                }
                ch.close(false);
                throw readError != null ? readError : new IOException("'" + argv.get(0) + "' on " + describe()
                        + " did not end within " + deadline.toSeconds() + "s and was ended");
            }
            Integer status = ch.getExitStatus();
            return new CommandOutput(status != null ? status : 255, "");
        }
    }

    @Override
    public EngineTool locate(String configured) {
        String where = "the PATH of " + ssh.target().user() + " on " + ssh.target().host();
        try {
            String lookup = configured == null || configured.equals("auto")
                    ? String.join(" || ", AUTO_ORDER.stream().map(n -> "command -v " + n).toList())
                    : configured.contains("/") ? "test -x " + quote(List.of(configured)) + " && echo "
                            + quote(List.of(configured)) : "command -v " + quote(List.of(configured));
            CommandOutput found = exec(lookup, null, SHORT);
            String path = found.output().strip();
            if (!found.succeeded() || path.isEmpty() || path.contains("\n")) {
                throw new UserError((configured == null || configured.equals("auto")
                        ? "no backup engine found on " + ssh.target().host() + ": none of " + String.join(", ", AUTO_ORDER)
                        + " is on " + where : "engine.tool " + configured + " is not an executable on " + where),
                        "install it there (apt-get install mariadb-backup), or set engine.tool to its path there",
                        UserError.FAILED);
            }
            CommandOutput version = run(List.of(path, "--version"), SHORT);
            return EngineLocator.parseVersion(Path.of(path), version.output());
        } catch (IOException e) {
            throw new UserError("cannot look for the engine on " + describe() + ": " + e.getMessage(),
                    "check that sshd on " + ssh.target().host() + " lets " + ssh.target().user() + " run commands",
                    UserError.FAILED);
        }
    }

    /**
     * Removes what runs that died (their node SIGKILLed mid-run) left on the host: our own folders
     * only — named {@code bs-engine-} and ten mktemp characters, directly in the temporary folder,
     * a real directory (not a link) owned by the SSH user — and only when untouched for a minute
     * and no process there names it in {@code --defaults-extra-file} (a live engine; the
     * {@code [-]} keeps grep from matching its own argv). A TMPDIR with characters a pattern would
     * read is left alone. Prints each folder removed.
     */
    static final String REMOVE_LEFTOVERS = "t=\"${TMPDIR:-/tmp}\"; case \"$t\" in /*) ;; *) exit 0 ;; esac; "
            + "case \"$t\" in *[!A-Za-z0-9/_-]*) exit 0 ;; esac; now=$(date +%s); "
            + "find \"$t\" -mindepth 1 -maxdepth 1 -type d -name 'bs-engine-??????????' -user \"$(id -u)\" "
            + "2>/dev/null | while IFS= read -r d; do "
            + "case \"${d##*/}\" in bs-engine-*[!A-Za-z0-9]*) continue ;; esac; "
            + "m=$(stat -c %Y \"$d\" 2>/dev/null) || continue; [ $((now - m)) -ge 60 ] || continue; "
            + "grep -qs \"[-]-defaults-extra-file=$d/\" /proc/[0-9]*/cmdline && continue; "
            + "rm -rf -- \"$d\" && echo \"$d\"; done; true";

    /** {@link #REMOVE_LEFTOVERS}, each folder removed logged; a failure is logged, never the run's. */
    private void removeLeftovers() {
        try {
            CommandOutput removed = exec(REMOVE_LEFTOVERS, null, SHORT);
            for (String folder : removed.output().strip().split("\n")) {
                if (folder.startsWith("/")) {
                    log.info("removed {} on {}: the engine's folder of a run that died there (no process uses it)",
                            folder, describe());
                }
            }
        } catch (IOException e) {
            log.warn("could not look for folders left by dead runs on {}: {}", describe(), e.getMessage());
        }
    }

    @Override
    public EngineWorkspace workspace(Endpoint source, Flavor flavor, Path localTemp) throws IOException {
        removeLeftovers();
        // 0700 folder, 0600 file from the first byte (umask), the content on stdin, not in argv.
        CommandOutput made = exec("umask 077 && mktemp -d \"${TMPDIR:-/tmp}/bs-engine-XXXXXXXXXX\"", null, SHORT);
        String dir = made.output().strip();
        if (!made.succeeded() || !dir.startsWith("/") || dir.contains("\n")) {
            throw new IOException("could not make a private temporary folder on " + describe() + ": "
                    + made.output().strip());
        }
        Path folder = Path.of(dir);
        Path file = folder.resolve("client.cnf");
        Path temp = folder.resolve("tmp");
        byte[] content = (String.join("\n", CredentialsFile.lines(source, flavor)) + "\n").getBytes(StandardCharsets.UTF_8);
        CommandOutput written = exec("umask 077 && mkdir " + quote(List.of(temp.toString())) + " && cat > "
                + quote(List.of(file.toString())), content, SHORT);
        RemoteWorkspace ws = new RemoteWorkspace(folder, file, temp);
        if (!written.succeeded()) {
            ws.close();
            throw new IOException("could not write the engine's credentials on " + describe() + ": "
                    + written.output().strip());
        }
        return ws;
    }

    /** The credentials file and the engine's folder on the database host. */
    private final class RemoteWorkspace implements EngineWorkspace {
        private final Path folder;
        private final Path file;
        private final Path temp;

        RemoteWorkspace(Path folder, Path file, Path temp) {
            this.folder = folder;
            this.file = file;
            this.temp = temp;
        }

        @Override
        public String option() {
            return "--defaults-extra-file=" + file;
        }

        @Override
        public Path tempDir() {
            return temp;
        }

        @Override
        public Path incrementalBase(Path localEngineFiles) throws IOException {
            // Only the checkpoints are read from it (the LSN to start from): small files, sent on stdin.
            Path base = folder.resolve("base");
            for (String name : CHECKPOINTS) {
                Path local = localEngineFiles.resolve(name);
                if (Files.isRegularFile(local)) {
                    CommandOutput sent = exec("umask 077 && mkdir -p " + quote(List.of(base.toString())) + " && cat > "
                            + quote(List.of(base.resolve(name).toString())), Files.readAllBytes(local), SHORT);
                    if (!sent.succeeded()) {
                        throw new IOException("could not copy the parent's " + name + " to " + describe() + ": "
                                + sent.output().strip());
                    }
                }
            }
            return base;
        }

        @Override
        public void close() throws IOException {
            // The password first and alone; the folders only when the engine left them empty.
            Path base = folder.resolve("base");
            List<String> parentFiles = CHECKPOINTS.stream().map(n -> base.resolve(n).toString()).toList();
            CommandOutput removed = exec("rm -f " + quote(List.of(file.toString())) + " && { rm -f "
                    + quote(parentFiles) + "; rmdir " + quote(List.of(temp.toString())) + " 2>/dev/null; rmdir "
                    + quote(List.of(base.toString())) + " 2>/dev/null; rmdir " + quote(List.of(folder.toString()))
                    + " 2>/dev/null; true; }", null, SHORT);
            if (!removed.succeeded()) {
                throw new IOException("the engine's credentials file " + file + " on " + describe()
                        + " could not be removed: " + removed.output().strip());
            }
        }
    }

    @Override
    public boolean isLocal() {
        return false;
    }

    @Override
    public String describe() {
        return "ssh " + ssh.target().address();
    }

    SshSession session() {
        return ssh;
    }

    @Override
    public void close() {
        ssh.close();
    }

    /** POSIX shell words: each argument single-quoted unless it is plainly safe. */
    static String quote(List<String> argv) {
        StringBuilder line = new StringBuilder();
        for (String a : argv) {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(!a.isEmpty() && a.matches("[A-Za-z0-9_./=:,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    private static String firstWord(String command) {
        int space = command.indexOf(' ');
        return space < 0 ? command : command.substring(0, space);
    }
}
