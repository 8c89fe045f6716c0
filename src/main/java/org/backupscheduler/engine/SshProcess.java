package org.backupscheduler.engine;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.backupscheduler.ssh.SshSession;

/**
 * A command running on the database host through an SSH exec channel. It first writes its pid to
 * stderr, then replaces the shell ({@code exec}): sshd starts each command in a session of its own
 * (setsid), so that pid is also the process group, and ending "the tree" there is one
 * {@code kill -KILL -- -PID} sent on a second channel — closing the channel alone would leave an
 * engine that waits on a lock running.
 */
final class SshProcess implements EngineProcess {
    private static final String PID_LINE = "backup-scheduler: remote pid ";
    private static final Pattern PID = Pattern.compile(Pattern.quote(PID_LINE) + "(\\d+)");
    private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "ABRT", 6, "KILL", 9,
            "SEGV", 11, "PIPE", 13, "TERM", 15);

    private final SshHost host;
    private final ChannelExec channel;
    private final CountDownLatch pidKnown = new CountDownLatch(1);
    private volatile long pid = -1;
    private volatile boolean ended;

    private SshProcess(SshHost host, ChannelExec channel) {
        this.host = host;
        this.channel = channel;
    }

    static SshProcess start(SshHost host, List<String> argv, Path log, EngineHost.Output stdout) throws IOException {
        String command = "echo \"" + PID_LINE + "$$\" >&2 && exec " + SshHost.quote(argv);
        ChannelExec ch = host.session().session().createExecChannel(command);
        ch.open().verify(SshSession.TIMEOUT);
        ch.getInvertedIn().close(); // an empty stdin, as /dev/null for a local run
        SshProcess p = new SshProcess(host, ch);
        OutputStream logFile = new FileOutputStream(log.toFile(), true);
        OutputStream shared = new OutputStream() { // both pumps append to one log
            @Override
            public synchronized void write(int b) throws IOException {
                logFile.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                logFile.write(b, off, len);
            }
        };
        Thread err = pump("ssh-engine-stderr", () -> p.copyStderr(ch.getInvertedErr(), shared));
        if (stdout == EngineHost.Output.LOG) {
            pump("ssh-engine-stdout", () -> ch.getInvertedOut().transferTo(shared));
        }
        Thread closer = new Thread(() -> {
            try {
                err.join();
                logFile.close();
            } catch (InterruptedException | IOException e) {
                // the log stays as written
            }
        }, "ssh-engine-log");
        closer.setDaemon(true);
        closer.start();
        return p;
    }

    private interface Body {
        void run() throws IOException;
    }

    private static Thread pump(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IOException e) {
                // the channel closed under the pump (ended): what was read is in the log
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The engine's stderr into the log, the pid read from its first line on the way. */
    private void copyStderr(InputStream err, OutputStream log) throws IOException {
        StringBuilder first = new StringBuilder();
        int b;
        while ((b = err.read()) >= 0 && b != '\n') {
            first.append((char) b);
        }
        Matcher m = PID.matcher(first);
        if (m.find()) {
            pid = Long.parseLong(m.group(1));
        }
        pidKnown.countDown();
        log.write((first + (b >= 0 ? "\n" : "")).getBytes(StandardCharsets.UTF_8));
        err.transferTo(log);
    }

    @Override
    public InputStream stdout() {
        return channel.getInvertedOut();
    }

    @Override
    public boolean waitFor(Duration limit) {
        Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED,
                ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.EXIT_SIGNAL), limit.toMillis());
        return events.contains(ClientChannelEvent.CLOSED) || events.contains(ClientChannelEvent.EXIT_STATUS)
                || events.contains(ClientChannelEvent.EXIT_SIGNAL);
    }

    @Override
    public int exitValue() {
        Integer status = channel.getExitStatus();
        if (status != null) {
            return status;
        }
        String signal = channel.getExitSignal();
        if (signal != null) {
            return 128 + SIGNALS.getOrDefault(signal, 64);
        }
        // The channel closed with neither: we closed it (ended) or the connection dropped.
        return ended ? 128 + 9 : 255;
    }

    @Override
    public void endTree() {
        ended = true;
        try {
            if (pidKnown.await(5, TimeUnit.SECONDS) && pid > 0) {
                host.exec("kill -KILL -- -" + pid + " 2>/dev/null || kill -KILL " + pid, null, Duration.ofSeconds(10));
            }
        } catch (IOException e) {
            // the session itself is gone: closing the channel below is all that is left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channel.close(false);
        }
    }

    @Override
    public long pid() {
        return pid;
    }
}
