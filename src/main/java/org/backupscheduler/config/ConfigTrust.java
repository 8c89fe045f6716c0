package org.backupscheduler.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The config names commands run as root ({@code stop-command}, {@code start-command},
 * {@code engine.tool}): whoever can change it runs them. So, as sshd's StrictModes does, the file
 * and every folder above it must belong to root or to the user running us, and none may be
 * writable by group or others (a sticky folder such as /tmp excepted: there only a file's owner
 * may replace it). And the config must not put a password on the engine's command line.
 */
public final class ConfigTrust {
    /** The mode's sticky bit, as {@code unix:mode} reports it. */
    private static final int STICKY = 01000;
    /**
     * A password option of the engine (MariaDB's option parser): {@code -p[VALUE]}, or any
     * unambiguous prefix of {@code --password} from {@code --pas}, also after {@code --loose-}.
     */
    private static final Pattern PASSWORD_ARG = Pattern.compile("-p.*|--(loose-)?pas(s(w(o(r(d)?)?)?)?)?(=.*)?",
            Pattern.DOTALL);

    private ConfigTrust() {
    }

    /**
     * Writes a config this check accepts whatever the umask: mode 0600 (it names the password
     * files and the commands run as root), owned by the user running us.
     */
    public static void write(Path file, String yaml) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }

    /** Refuses a config file that someone other than root or this user could change. */
    static void checkFile(Path file) {
        String me = System.getProperty("user.name");
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(),
                    "make it readable by this user");
        }
        for (Path p = real; p != null; p = p.getParent()) {
            PosixFileAttributes a;
            int mode;
            try {
                a = Files.readAttributes(p, PosixFileAttributes.class);
                mode = (Integer) Files.getAttribute(p, "unix:mode");
            } catch (IOException | UnsupportedOperationException e) {
                return; // not a POSIX file system: nothing to check against
            }
            String what = p.equals(real) ? "config file " + real : "config file " + real + " is in " + p + ", which";
            String owner = a.owner().getName();
            if (!owner.equals("root") && !owner.equals(me)) {
                throw new ConfigException(what + " is owned by " + owner
                        + ", not by root or " + me + " (the user running backup-scheduler): " + owner
                        + " could change the commands it runs", "chown " + me + " " + p);
            }
            boolean shared = a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
            boolean folderGuarded = !p.equals(real) && (mode & STICKY) != 0;
            if (shared && !folderGuarded) {
                throw new ConfigException(what + " is writable by group or others (mode "
                        + String.format("%o", mode & 07777) + "): they could change the commands it runs",
                        "chmod go-w " + p);
            }
        }
    }

    /** Refuses a password in {@code engine.extra-args}: it would show in every process listing. */
    static void checkEngineArgs(List<String> extraArgs, Path file) {
        for (String arg : extraArgs) {
            if (PASSWORD_ARG.matcher(arg).matches()) {
                String shown = arg.startsWith("--") ? arg.replaceFirst("=.*", "=...") : "-p...";
                throw new ConfigException("engine.extra-args in " + file + " holds a password (" + shown
                        + "): the engine's command line is visible to every user of the host",
                        "remove it from engine.extra-args; the password goes in source.password-file (mode 0600), "
                                + "which reaches the engine through a private option file");
            }
        }
    }
}
