package org.backupscheduler.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sockets a process listens on, read from /proc as an administrator would with
 * {@code ss -lxtp}: its open socket inodes ({@code /proc/PID/fd}) matched against the kernel's
 * tables of listening TCP sockets ({@code /proc/net/tcp}, {@code tcp6}) and Unix sockets
 * ({@code /proc/net/unix}).
 */
public final class ListeningSockets {
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");
    /** The TCP state column's value for LISTEN. */
    private static final String LISTEN = "0A";

    /** One listening TCP socket: its local address as the kernel shows it, and its port. */
    public record Tcp(String address, int port) {
        /**
         * 127.0.0.0/8, ::ffff:127.0.0.0/104 or ::1. The kernel writes addresses as 32-bit words in
         * host (little-endian) order: 127.0.0.1 is 0100007F, ::ffff:127.0.0.1 ends FFFF00000100007F.
         */
        public boolean loopback() {
            if (address.length() == 8) {
                return address.endsWith("7F");
            }
            return address.equals("00000000000000000000000001000000")
                    || address.startsWith("0000000000000000FFFF0000") && address.endsWith("7F");
        }
    }

    private ListeningSockets() {
    }

    /** The TCP sockets {@code pid} listens on, IPv4 and IPv6; empty if it has ended. */
    public static List<Tcp> tcp(long pid) throws IOException {
        Set<String> inodes = socketInodes(pid);
        List<Tcp> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : lines(Path.of(table))) {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                String[] f = line.strip().split("\\s+");
                if (f.length > 9 && f[3].equals(LISTEN) && inodes.contains(f[9])) {
                    String[] local = f[1].split(":");
                    listening.add(new Tcp(local[0], Integer.parseInt(local[1], 16)));
                }
            }
        }
        return listening;
    }

    /** The paths of the Unix sockets {@code pid} listens on; empty if it has ended. */
    public static List<String> unix(long pid) throws IOException {
        Set<String> inodes = socketInodes(pid);
        List<String> paths = new ArrayList<>();
        for (String line : lines(Path.of("/proc/net/unix"))) {
            // Num RefCount Protocol Flags Type St Inode Path; flags 00010000 = __SO_ACCEPTCON (listening)
            String[] f = line.strip().split("\\s+");
            if (f.length > 7 && f[3].equals("00010000") && inodes.contains(f[6])) {
                paths.add(f[7]);
            }
        }
        return paths;
    }

    private static Set<String> socketInodes(long pid) {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Matcher m = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (IOException e) {
                    // closed between list and read
                }
            }
        } catch (IOException e) {
            // the process has ended
        }
        return inodes;
    }

    private static List<String> lines(Path table) throws IOException {
        List<String> lines = Files.readAllLines(table);
        return lines.isEmpty() ? lines : lines.subList(1, lines.size());
    }
}
