package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.Bytes;
import org.backupscheduler.UserError;

/**
 * What {@code backup check} asks the host the engine runs on ({@code source.ssh}): the engine there
 * and its version, the datadir readable by the SSH user (the engine reads every file of it), and
 * the free space of its file system. Each item says what is wrong and how to fix it.
 */
public final class HostCheck {
    /** Below this share of its file system free, a database host is flagged. */
    static final double LOW_FREE = 0.05;
    private static final Duration SHORT = Duration.ofSeconds(30);

    /** One line of the checklist: ✓ or ✗, and the fix for a ✗. */
    public record Item(boolean ok, String title, String fix) {
    }

    private HostCheck() {
    }

    public static List<Item> check(EngineHost host, String configuredTool, Path datadir) {
        List<Item> items = new ArrayList<>();
        try {
            EngineTool tool = host.locate(configuredTool);
            items.add(new Item(true, "engine on " + host.describe() + ": " + tool + " (" + tool.path() + ")", null));
        } catch (UserError e) {
            items.add(new Item(false, e.getMessage(), e.hint()));
        }
        if (datadir == null) {
            items.add(new Item(false, "datadir on " + host.describe() + " unknown: the server did not say",
                    "set source.datadir"));
            return items;
        }
        try {
            EngineHost.CommandOutput ls = host.run(List.of("ls", "-A", datadir.toString()), SHORT);
            items.add(ls.succeeded() ? new Item(true, "datadir " + datadir + " readable on " + host.describe(), null)
                    : new Item(false, "datadir " + datadir + " not readable on " + host.describe() + ": "
                    + ls.output().strip(), "let the SSH user read it (add it to the group that owns the datadir, "
                    + "such as mysql), or log in as the user that owns it"));
            items.add(freeSpace(host, datadir, host.run(List.of("df", "-Pk", datadir.toString()), SHORT)));
        } catch (IOException e) {
            items.add(new Item(false, "commands on " + host.describe() + " failed: " + e.getMessage(),
                    "check that sshd there lets the user run commands"));
        }
        return items;
    }

    /** {@code df -Pk}'s second line: file system, 1K-blocks, used, available, capacity, mount point. */
    static Item freeSpace(EngineHost host, Path datadir, EngineHost.CommandOutput df) {
        String[] lines = df.output().strip().split("\n");
        String[] f = lines[lines.length - 1].trim().split("\\s+");
        if (!df.succeeded() || lines.length < 2 || f.length < 6) {
            return new Item(false, "free space of " + datadir + " on " + host.describe() + " unknown: "
                    + df.output().strip(), "check that df runs there");
        }
        long size = Long.parseLong(f[1]) * 1024;
        long free = Long.parseLong(f[3]) * 1024;
        String title = Bytes.human(free) + " free of " + Bytes.human(size) + " on " + f[5] + " (the datadir's file "
                + "system) on " + host.describe();
        return free >= size * LOW_FREE ? new Item(true, title, null)
                : new Item(false, title + ": under " + Math.round(LOW_FREE * 100) + "%",
                "free space there: a full datadir stops the server, and a restore needs room beside it");
    }
}
