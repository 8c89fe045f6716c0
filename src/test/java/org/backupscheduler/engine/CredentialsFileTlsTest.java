package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.config.TlsConfig;
import org.backupscheduler.config.TlsConfig.Mode;
import org.backupscheduler.server.Endpoint;
import org.junit.jupiter.api.Test;

/**
 * The [client] TLS lines each engine gets for each mode. MariaDB's spelling was measured
 * against a TLS sandbox with mariabackup and mariadb-binlog (TlsIT runs it); XtraBackup's
 * cannot run here, so what we build is what we test.
 */
class CredentialsFileTlsTest {
    private static final Path CA = Path.of("/etc/backup-scheduler/ca.pem");
    private static final Path CERT = Path.of("/etc/backup-scheduler/client.pem");
    private static final Path KEY = Path.of("/etc/backup-scheduler/client.key");

    private static List<String> lines(Flavor flavor, TlsConfig tls) {
        List<String> all = CredentialsFile.lines(new Endpoint("db1", 3306, null, "backup", "pw", tls), flavor);
        return all.subList(5, all.size()); // after [client], user, password, host, port
    }

    @Test
    void mariadbPreferredKeepsTheLibrarysDefault() {
        assertEquals(List.of(), lines(Flavor.MARIABACKUP, TlsConfig.DEFAULT));
    }

    @Test
    void mariadbModes() {
        assertEquals(List.of("skip-ssl"), lines(Flavor.MARIABACKUP, new TlsConfig(Mode.DISABLED, null, null, null)));
        assertEquals(List.of("ssl"), lines(Flavor.MARIABACKUP, new TlsConfig(Mode.REQUIRED, null, null, null)));
        assertEquals(List.of("ssl-ca=\"/etc/backup-scheduler/ca.pem\""),
                lines(Flavor.MARIABACKUP, new TlsConfig(Mode.VERIFY_CA, CA, null, null)));
        assertEquals(List.of("ssl-ca=\"/etc/backup-scheduler/ca.pem\"", "ssl-verify-server-cert",
                        "ssl-cert=\"/etc/backup-scheduler/client.pem\"", "ssl-key=\"/etc/backup-scheduler/client.key\""),
                lines(Flavor.MARIABACKUP, new TlsConfig(Mode.VERIFY_IDENTITY, CA, CERT, KEY)));
    }

    @Test
    void xtrabackupGetsSslMode() {
        assertEquals(List.of(), lines(Flavor.XTRABACKUP, TlsConfig.DEFAULT));
        assertEquals(List.of("ssl-mode=DISABLED"), lines(Flavor.XTRABACKUP, new TlsConfig(Mode.DISABLED, null, null,
                null)));
        assertEquals(List.of("ssl-mode=VERIFY_CA", "ssl-ca=\"/etc/backup-scheduler/ca.pem\"",
                        "ssl-cert=\"/etc/backup-scheduler/client.pem\"", "ssl-key=\"/etc/backup-scheduler/client.key\""),
                lines(Flavor.XTRABACKUP, new TlsConfig(Mode.VERIFY_CA, CA, CERT, KEY)));
    }

    @Test
    void aRelativePathIsMadeAbsoluteForTheEngine() {
        assertEquals(List.of("ssl-ca=\"" + Path.of("ca.pem").toAbsolutePath() + "\""),
                lines(Flavor.MARIABACKUP, new TlsConfig(Mode.VERIFY_CA, Path.of("ca.pem"), null, null)));
    }
}
