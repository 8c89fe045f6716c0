package org.backupscheduler.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import org.backupscheduler.storage.PrivateFiles;

/**
 * Writes a {@link MigratedConfig} as a commented backup.yml. Every string is single-quoted YAML
 * (a quote doubled), so no value from a crontab can change the structure. No password, ever;
 * the file is written 0600 all the same: it names the accounts and the commands run as root.
 */
public final class ConfigYamlWriter {

    private ConfigYamlWriter() {
    }

    /**
     * Writes the config to a new file, mode 0600 from its creation; an existing file is never
     * overwritten ({@link java.nio.file.FileAlreadyExistsException}: refusing is atomic).
     */
    public static void writeNew(Path file, MigratedConfig c) throws IOException {
        PrivateFiles.createFile(file);
        Files.writeString(file, write(c), StandardCharsets.UTF_8);
    }

    public static String write(MigratedConfig c) {
        StringBuilder y = new StringBuilder();
        y.append("# Written by 'backup migrate hotcopy' from these crontab lines:\n");
        for (MigratedConfig.ConvertedLine l : c.lines()) {
            y.append("#   line ").append(l.lineNumber()).append(": ").append(oneLine(l.oldLine())).append('\n');
        }
        if (!c.oldDatabases().isEmpty()) {
            y.append("# They copied the databases ").append(String.join(", ", c.oldDatabases()).replace('\n', ' '))
                    .append("; a backup now copies the whole server.\n");
        }
        y.append("# Keys: docs/configuration.md; migration steps: docs/migrating-from-mysqlhotcopy.md\n\n");
        y.append("instance: ").append(quote(c.instance())).append('\n');
        y.append("repository: ").append(quote(c.repository())).append('\n');
        y.append("\nsource:\n");
        if (c.host() != null) {
            y.append("  host: ").append(quote(c.host())).append('\n');
        }
        if (c.port() != null) {
            y.append("  port: ").append(c.port()).append('\n');
        }
        if (c.socket() != null) {
            y.append("  socket: ").append(quote(c.socket())).append('\n');
        }
        y.append("  user: ").append(quote(c.user())).append('\n');
        y.append("  password-file: ").append(quote(c.passwordFile()))
                .append("   # mode 0600; the crontab's password is never copied\n");
        y.append("\nschedule:\n");
        y.append("  full: ").append(quote(c.schedule())).append('\n');
        // Written out (the defaults) so the reader sees what replaces --allowold/--keepold.
        y.append("\n# hotcopy kept one copy (two with --keepold); the catalog keeps these many, by count,\n")
                .append("# never removing the newest VERIFIED backup nor one an incremental still needs.\n");
        y.append("retention:\n  hourly: 24\n  daily: 7\n  weekly: 4\n");
        if (!c.warnings().isEmpty()) {
            y.append("\n# Check before use:\n");
            y.append(c.warnings().stream().map(w -> "#   - " + oneLine(w)).collect(Collectors.joining("\n")));
            y.append('\n');
        }
        return y.toString();
    }

    static String quote(String s) {
        return "'" + oneLine(s).replace("'", "''") + "'";
    }

    private static String oneLine(String s) {
        return s.replace('\r', ' ').replace('\n', ' ');
    }
}
