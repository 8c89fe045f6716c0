package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.backupscheduler.server.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where nothing listens, a probe says DOWN; the cases a running server gives are in RestoreIT. */
class ServerProbeTest {
    @TempDir
    Path dir;

    @Test
    void aTcpPortNobodyListensOnIsDown() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ServerProbe p = ServerProbe.of(new Endpoint("127.0.0.1", port, null, "root", "x"));
        assertEquals(ServerProbe.State.DOWN, p.state(), p.error());
    }

    @Test
    void aSocketFileThatDoesNotExistIsDown() {
        ServerProbe p = ServerProbe.of(new Endpoint(null, 3306, dir.resolve("none.sock").toString(), "root", null));
        assertEquals(ServerProbe.State.DOWN, p.state(), p.error());
    }

    @Test
    void aSocketFileLeftByAServerThatEndedIsDown() throws IOException {
        Path sock = dir.resolve("left.sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(sock));
        }
        assertTrue(Files.exists(sock), "the socket file stays after its server closed");
        ServerProbe p = ServerProbe.of(new Endpoint(null, 3306, sock.toString(), "root", null));
        assertEquals(ServerProbe.State.DOWN, p.state(), p.error());
    }

    @Test
    void aListenerThatNeverAnswersIsNotDown() throws IOException {
        // Accepts the TCP connection and never sends the handshake: a server too busy to answer.
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ServerProbe p = ServerProbe.of(new Endpoint("127.0.0.1", s.getLocalPort(), null, "root", "x"));
            assertEquals(ServerProbe.State.UNREACHABLE, p.state(), p.error());
        }
    }
}
