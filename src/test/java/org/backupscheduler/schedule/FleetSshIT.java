package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.sandbox.LongMyisamUpdate;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.ArgvWatcher;
import org.backupscheduler.testing.OpenSshServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine over SSH ({@code source.ssh}): two sandbox primaries, each "on its own host" reached
 * through its own OpenSSH server (own port, host key, authorized_keys), in one {@code --config-dir}.
 * While each backup runs, every process of this machine is watched: the engine must be a
 * descendant of that instance's sshd (not of the other's, not of us), and no process's argv may
 * hold the password. Each backup must end VERIFIED (prepare included: the stream came back whole).
 */
class FleetSshIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void eachInstanceIsBackedUpByAnEngineUnderItsOwnSshdWithNoPasswordInAnyArgv() throws Exception {
        assumeTrue(OpenSshServer.installed(), "openssh-server is not installed (bin/install-deps)");
        try (SandboxServer one = SandboxServer.start(SandboxOptions.primary("fsh1"));
             SandboxServer two = SandboxServer.start(SandboxOptions.primary("fsh2"));
             OpenSshServer sshOne = OpenSshServer.start(dir.resolve("ssh1"));
             OpenSshServer sshTwo = OpenSshServer.start(dir.resolve("ssh2"))) {
            for (SandboxServer s : List.of(one, two)) {
                TestSetup.createBackupUser(s);
                Workload.load(s, 2_000);
            }
            Path configs = FleetConfigs.folder(dir, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    "verify:", "  after-backup: [structure, checksum, prepare]", "  deep: 'off'");
            instanceFile(configs, "db1", one, sshOne);
            instanceFile(configs, "db2", two, sshTwo);
            String dirOption = configs.toString();

            for (var run : List.of(Map.entry("db1", sshOne), Map.entry("db2", sshTwo))) {
                OpenSshServer own = run.getValue();
                OpenSshServer other = own == sshOne ? sshTwo : sshOne;
                Set<String> before = engineFolders();
                // Other tests may run engines on this machine too: ours are those on our two datadirs.
                ArgvWatcher watch = watchEngines(List.of(one.datadir().toString(), two.datadir().toString()));
                Result r = TestSetup.cli("--config-dir", dirOption, "--instance", run.getKey(), "run");
                watch.close();
                assertEquals(0, r.exitCode(), r.toString());

                assertFalse(watch.parents().isEmpty(), "no engine process was seen during the run of " + run.getKey());
                for (var engine : watch.parents().entrySet()) {
                    List<Long> chain = engine.getValue();
                    assertTrue(chain.contains(own.pid()), "engine " + engine.getKey() + " of " + run.getKey()
                            + " is not under its sshd " + own.pid() + ": parents " + chain);
                    assertFalse(chain.contains(other.pid()), "engine under the other instance's sshd: " + chain);
                    // sshd is this test's child: the engine must reach us through it, not be started by us.
                    assertTrue(chain.indexOf(own.pid()) < chain.indexOf(ProcessHandle.current().pid()),
                            "engine started by this process, not by its sshd: " + chain);
                }
                assertEquals(Set.of(), watch.seen(), "a password in a process's argv");
                // The credentials file and the engine's folder on the "database host" are gone.
                assertEquals(before, engineFolders(), "the engine's private folder was left on the host");

                Map<String, Object> b = list(dirOption, run.getKey()).get(0);
                assertEquals("VERIFIED", b.get("status"), b.toString());
                String log = Files.readString(Path.of((String) b.get("path")).resolve("backup.log"));
                assertTrue(log.contains("backup-scheduler: remote pid "), log);
                assertTrue(log.contains("completed OK!"), log);
            }

            // An incremental there: the parent's checkpoints are copied into the engine's folder on the host.
            ArgvWatcher watch = watchEngines(List.of(one.datadir().toString()));
            Result inc = TestSetup.cli("--config-dir", dirOption, "--instance", "db1", "run", "--type", "incremental");
            watch.close();
            assertEquals(0, inc.exitCode(), inc.toString());
            Map<String, Object> incremental = list(dirOption, "db1").get(0);
            assertEquals(List.of("incremental", "VERIFIED"), List.of(incremental.get("type"), incremental.get("status")),
                    incremental.toString());
            assertTrue(watch.matched().values().stream().allMatch(a -> a.matches(
                    "(?s).* --incremental-basedir=/tmp/bs-engine-\\w+/base .*")), watch.matched().toString());

            // check: the login, the engine and its version, the datadir and the free space on db1's host.
            Result check = TestSetup.cli("--config-dir", dirOption, "--instance", "db1", "check");
            String host = "ssh " + sshOne.user() + "@127.0.0.1:" + sshOne.port();
            assertTrue(check.out().contains("✓ logged in to " + host + " (host key in " + sshOne.knownHosts() + ")"),
                    check.toString());
            assertTrue(check.out().matches("(?s).*✓ engine on " + Pattern.quote(host)
                    + ": (mariadb-backup|mariabackup) 10\\.11\\.\\d+.*"), check.toString());
            assertTrue(check.out().contains("readable on " + host), check.toString());
            assertTrue(check.out().matches("(?s).*✓ [0-9.]+ \\S+ free of [0-9.]+ \\S+ on \\S+ \\(the datadir's file "
                    + "system\\) on " + Pattern.quote(host) + ".*"), check.toString());

            // A changed host key: check says so with the fix, and a run is FAILED without any engine started.
            sshTwo.writeKnownHosts(sshTwo.knownHosts(), sshTwo.otherPublicKey());
            Result refused = TestSetup.cli("--config-dir", dirOption, "--instance", "db2", "check");
            assertEquals(3, refused.exitCode(), refused.toString());
            assertTrue(refused.out().contains("✗ host key of 127.0.0.1:" + sshTwo.port() + " CHANGED: known-hosts "
                    + sshTwo.knownHosts()), refused.toString());
            assertTrue(refused.out().contains("fix: if the host's key is right, add it: ssh-keyscan -p "
                    + sshTwo.port() + " 127.0.0.1 >> " + sshTwo.knownHosts()), refused.toString());
            Result failedRun = TestSetup.cli("--config-dir", dirOption, "--instance", "db2", "run");
            assertEquals(1, failedRun.exitCode(), failedRun.toString());
            assertTrue(failedRun.err().contains("HINT: no engine ran; do what the HINT in the reason says"), failedRun.err());
            Map<String, Object> failed = list(dirOption, "db2").get(0);
            assertEquals("FAILED", failed.get("status"));
            assertTrue(((String) failed.get("reason")).startsWith("host key of 127.0.0.1:" + sshTwo.port()
                    + " CHANGED"), failed.toString());
        }
    }

    @Test
    void runTimeoutEndsTheEngineOnTheDatabaseHostAndRemovesItsCredentials() throws Exception {
        assumeTrue(OpenSshServer.installed(), "openssh-server is not installed (bin/install-deps)");
        try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("fsh3"));
             OpenSshServer ssh = OpenSshServer.start(dir.resolve("ssh3"))) {
            TestSetup.createBackupUser(server);
            Workload.load(server, 20_000); // a minute of MyISAM UPDATE holds the engine in its lock phase
            Path configs = FleetConfigs.folder(dir, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    "schedule: {run-timeout: 3s}", "locks: {action: print}");
            instanceFile(configs, "db3", server, ssh);
            Set<String> before = engineFolders();
            Result run;
            try (LongMyisamUpdate blocker = LongMyisamUpdate.start(server)) {
                run = TestSetup.cli("--config-dir", configs.toString(), "run");
                // Still inside the blocker: the engine and its session would be waiting now.
                assertEquals(List.of(), enginesOn(server.datadir()), "engine processes left on the host");
                long left = SqlValues.count(server, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                        + TestSetup.BACKUP_USER + "'");
                assertEquals(0, left, "no session of the backup account is left waiting");
            }
            assertEquals(1, run.exitCode(), run.toString());
            Map<String, Object> failed = list(configs.toString(), "db3").get(0);
            assertEquals("FAILED", failed.get("status"));
            String reason = (String) failed.get("reason");
            assertTrue(reason.startsWith("timeout (schedule.run-timeout 3s): mariadb-backup timed out after")
                    || reason.startsWith("timeout (schedule.run-timeout 3s): mariabackup timed out after"), reason);
            assertEquals(before, engineFolders(), "the engine's credentials were left on the host");
        }
    }

    /**
     * Two daemon nodes on a MariaDB catalog run both SSH instances: every fire once across the
     * nodes, each engine under its own instance's sshd, no password in any argv. The node running a
     * backup is SIGKILLed: that run becomes FAILED, the survivor runs that instance's next fire, and
     * the engine's folder (with the credentials file) the dead run left on the host is removed by a
     * later run there. {@code report} covers both instances.
     */
    @Test
    void twoDaemonNodesRunEachFireOnceOverSshAndAKilledNodesRunIsFailedAndItsFolderRemoved() throws Exception {
        assumeTrue(OpenSshServer.installed(), "openssh-server is not installed (bin/install-deps)");
        try (SandboxServer one = SandboxServer.start(SandboxOptions.primary("fsc1"));
             SandboxServer two = SandboxServer.start(SandboxOptions.primary("fsc2"));
             SandboxServer catalogDb = SandboxServer.start(SandboxOptions.primary("fscat"));
             OpenSshServer sshOne = OpenSshServer.start(dir.resolve("ssh1"));
             OpenSshServer sshTwo = OpenSshServer.start(dir.resolve("ssh2"))) {
            for (SandboxServer s : List.of(one, two)) {
                TestSetup.createBackupUser(s);
                Workload.load(s, 2_000);
            }
            DaemonNodes.createCatalog(catalogDb);
            Path pw = TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD);
            Path catalogPw = TestSetup.passwordFile(dir, "catalog.pw", "cat-pw");
            Map<String, Path> configs = new LinkedHashMap<>();
            for (String node : List.of("a", "b")) {
                Path c = FleetConfigs.node(dir, node, pw, catalogDb, catalogPw, DaemonNodes.freePort());
                instanceFile(c, "db1", one, sshOne);
                instanceFile(c, "db2", two, sshTwo);
                configs.put(node, c);
            }
            String dirOption = configs.get("a").toString();
            DaemonNodes daemons = new DaemonNodes(dir, List.of("a", "b"));
            Set<String> foldersBefore = engineFolders();
            ArgvWatcher watch = watchEngines(List.of(one.datadir().toString(), two.datadir().toString()));
            Map<String, Process> nodes = new LinkedHashMap<>();
            nodes.put("a", daemons.start(configs.get("a"), "a"));
            nodes.put("b", daemons.start(configs.get("b"), "b"));
            String victim;
            String survivor;
            String killedInstance;
            String killedId;
            Set<String> leftover;
            try {
                DaemonNodes.awaitNodes(catalogDb, 2, daemons::allLogs);
                daemons.awaitFires(4);

                // The node running a backup: its RUNNING row (owner pid) once the engine's folder is on the host.
                JsonNode running = null;
                Set<String> seen = Set.of();
                for (int i = 0; i < 600 && running == null; i++) {
                    Set<String> now = engineFolders();
                    now.removeAll(foldersBefore);
                    JsonNode status = JSON.readTree(TestSetup.cli("--config-dir", dirOption, "cluster", "status",
                            "--json").out());
                    for (JsonNode w : status.get("running")) {
                        // Still there after cluster status answered: the run is not ending.
                        if (w.get("what").asText().startsWith("backup ") && !now.isEmpty()
                                && now.stream().allMatch(f -> Files.exists(Path.of("/tmp", f)))) {
                            running = w;
                            seen = now;
                        }
                    }
                    if (running == null) {
                        Thread.sleep(50);
                    }
                }
                assertTrue(running != null, "no backup was ever seen RUNNING: " + daemons.allLogs());
                long pid = running.get("pid").asLong();
                victim = nodes.entrySet().stream().filter(n -> n.getValue().pid() == pid).map(Map.Entry::getKey)
                        .findFirst().orElseThrow(() -> new AssertionError("no node has pid " + pid));
                survivor = victim.equals("a") ? "b" : "a";
                killedInstance = running.get("instance").asText();
                killedId = running.get("what").asText().substring("backup ".length());
                leftover = seen;
                nodes.get(victim).destroyForcibly(); // SIGKILL
                assertTrue(nodes.get(victim).waitFor(30, TimeUnit.SECONDS));
                long survivorFires = daemons.fires(survivor).stream()
                        .filter(f -> f[0].startsWith(killedInstance + " ")).count();

                // The survivor marks the dead node's run FAILED and runs that instance's next fire.
                Map<String, Object> killed = null;
                for (int i = 0; i < 900; i++) {
                    killed = list(dirOption, killedInstance).stream().filter(b -> killedId.equals(b.get("id")))
                            .findFirst().orElseThrow();
                    if ("FAILED".equals(killed.get("status")) && daemons.fires(survivor).stream()
                            .filter(f -> f[0].startsWith(killedInstance + " ")).count() > survivorFires) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertEquals("FAILED", killed.get("status"), killed + "\n" + daemons.read(survivor));
                assertTrue(((String) killed.get("reason")).startsWith("the process running it (pid " + pid), killed.toString());
                assertTrue(daemons.fires(survivor).stream().filter(f -> f[0].startsWith(killedInstance + " ")).count()
                        > survivorFires, "the next fire of " + killedInstance + " ran on the survivor: "
                        + daemons.read(survivor));

                // The dead run's folder on the host (its credentials file in it) is removed by a later run
                // there, once no process uses it and it is a minute old.
                assertFalse(leftover.isEmpty());
                for (int i = 0; i < 900 && leftover.stream().anyMatch(f -> Files.exists(Path.of("/tmp", f))); i++) {
                    Thread.sleep(200);
                }
                for (String f : leftover) {
                    assertFalse(Files.exists(Path.of("/tmp", f)), "left on the host: /tmp/" + f);
                }
                assertTrue(leftover.stream().anyMatch(f -> daemons.read(survivor).contains("removed /tmp/" + f + " on ssh ")),
                        daemons.read(survivor));
            } finally {
                nodes.values().forEach(Process::destroy);
                for (Process p : nodes.values()) {
                    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                }
                watch.close();
            }

            // Every fire of both instances ran once across the nodes, each its own backup.
            List<Map<String, Object>> rows = new ArrayList<>(list(dirOption, "db1"));
            rows.addAll(list(dirOption, "db2"));
            daemons.assertEachFireRanOnce(rows);
            for (String instance : List.of("db1", "db2")) {
                assertTrue(rows.stream().anyMatch(r -> instance.equals(r.get("instance"))
                        && List.of("VERIFIED", "COMPLETED", "EXPIRED").contains(r.get("status"))), instance + ": " + rows);
            }
            // Each engine ran under its own instance's sshd; no argv held the password.
            assertFalse(watch.parents().isEmpty());
            for (var engine : watch.parents().entrySet()) {
                boolean first = watch.matched().get(engine.getKey()).contains("--datadir=" + one.datadir());
                OpenSshServer own = first ? sshOne : sshTwo;
                OpenSshServer other = first ? sshTwo : sshOne;
                assertTrue(engine.getValue().contains(own.pid()), "engine not under its sshd " + own.pid() + ": "
                        + engine.getValue());
                assertFalse(engine.getValue().contains(other.pid()), "engine under the other sshd: " + engine.getValue());
                assertFalse(nodes.values().stream().anyMatch(n -> engine.getValue().contains(n.pid())),
                        "engine started by a node, not by its sshd: " + engine.getValue());
            }
            assertEquals(Set.of(), watch.seen(), "a password in a process's argv");

            // report over the folder covers both instances.
            Result report = TestSetup.cli("--config-dir", dirOption, "report", "--format", "json");
            JsonNode reports = JSON.readTree(report.out());
            assertEquals(List.of("db1", "db2"), List.of(reports.get(0).get("instance").asText(),
                    reports.get(1).get("instance").asText()), report.toString());
        }
    }

    /** Live (not zombie) engine processes backing up {@code datadir}, anywhere on this machine. */
    private static List<Long> enginesOn(Path datadir) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(" --backup")
                        && c.contains("--datadir=" + datadir)).orElse(false))
                .filter(p -> !isZombie(p.pid())).map(ProcessHandle::pid).toList();
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true; // gone
        }
    }

    private static void instanceFile(Path configs, String instance, SandboxServer server, OpenSshServer ssh)
            throws IOException {
        FleetConfigs.instance(configs, instance, server, "  ssh: {host: 127.0.0.1, port: " + ssh.port() + ", user: "
                + ssh.user() + ", identity-file: " + ssh.identityFile() + ", known-hosts: " + ssh.knownHosts() + "}");
    }

    private static List<Map<String, Object>> list(String dirOption, String instance) throws IOException {
        Result r = TestSetup.cli("--config-dir", dirOption, "--instance", instance, "list", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        return JSON.readValue(r.out(), new TypeReference<>() { });
    }

    /** The engine's private folders on the "database host" (mktemp under /tmp, as its sshd session has no TMPDIR). */
    private static Set<String> engineFolders() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/tmp"))) {
            return new HashSet<>(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("bs-engine-")).toList());
        }
    }

    /**
     * Watches /proc while a run goes: each engine process ({@code --backup} in its argv, on one of
     * {@code datadirs}) with its chain of parents, and any process whose argv holds the password.
     */
    private static ArgvWatcher watchEngines(List<String> datadirs) {
        return ArgvWatcher.tracking(List.of(TestSetup.BACKUP_PASSWORD), argv -> {
            String first = argv.split(" ", 2)[0];
            return (first.endsWith("mariadb-backup") || first.endsWith("mariabackup")) && argv.contains(" --backup")
                    && datadirs.stream().anyMatch(d -> argv.contains("--datadir=" + d));
        });
    }
}
