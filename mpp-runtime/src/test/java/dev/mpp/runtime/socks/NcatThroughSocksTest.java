package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Command;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ncat 7.93 as a SOCKS5 client of MPP. ncat sends its standard input and writes what it receives
 * to its standard output; at end of input it half-closes the connection (unless
 * {@code --send-only}, which closes) and keeps reading until the other side ends.
 */
class NcatThroughSocksTest {
    private static final long SEED = 0x9ca7_2026L;
    private static final int SIZE = 4 * 1024 * 1024 + 5;

    private static byte[] up;
    private static byte[] down;
    private static RunningNode open;
    private static RunningNode withPassword;

    @BeforeAll
    static void start() {
        Command.require("ncat", "ncat");
        up = RandomPayload.bytes(SIZE, SEED);
        down = RandomPayload.bytes(SIZE, SEED + 1);
        open = RunningNode.socks("");
        withPassword = RunningNode.socksWithPassword("");
    }

    @AfterAll
    static void stop() {
        open.close();
        withPassword.close();
    }

    @Test
    void sendOnlyUploadArrivesIntact() throws Exception {
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture sink = TcpFixture.sink(received)) {
            Command.Result ncat = ncat(open, up, "--send-only", "127.0.0.1", sink.port());
            assertEquals(0, ncat.exitCode(), ncat.stderr());
            assertEquals(StreamDigest.of(up), received.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void receiveOnlyDownloadArrivesIntact() throws Exception {
        try (TcpFixture source = TcpFixture.source(down)) {
            Command.Result ncat = ncat(open, new byte[0], "--recv-only", "127.0.0.1", source.port());
            assertEquals(0, ncat.exitCode(), ncat.stderr());
            assertEquals(StreamDigest.of(down), StreamDigest.of(ncat.stdout()));
        }
    }

    @Test
    void endOfInputHalfClosesAndTheReplyStillArrivesInFull() throws Exception {
        // The destination answers only after end of stream: ncat's half-close must travel through
        // MPP, and the reply must come back over the half-closed connection.
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture server = TcpFixture.replyAfterEnd(received, down)) {
            Command.Result ncat = ncat(open, up, "127.0.0.1", server.port());
            assertEquals(0, ncat.exitCode(), ncat.stderr());
            assertEquals(StreamDigest.of(up), received.get(30, TimeUnit.SECONDS));
            assertEquals(StreamDigest.of(down), StreamDigest.of(ncat.stdout()));
        }
    }

    @Test
    void usernameAndPasswordWithTheNameResolvedByTheProxy() throws Exception {
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture server = TcpFixture.replyAfterEnd(received, down)) {
            // dest.test is only in the test JVM's hosts file: ncat cannot resolve it, MPP can.
            Command.Result ncat = ncat(withPassword, up, "--proxy-auth", "alice:s3cret", "--proxy-dns", "remote",
                    "dest.test", server.port());
            assertEquals(0, ncat.exitCode(), ncat.stderr());
            assertTrue(ncat.stderr().contains("will be resolved by the proxy"), ncat.stderr());
            assertEquals(StreamDigest.of(up), received.get(30, TimeUnit.SECONDS));
            assertEquals(StreamDigest.of(down), StreamDigest.of(ncat.stdout()));
        }
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture sink = TcpFixture.sink(received)) {
            Command.Result ncat = ncat(withPassword, up, "--proxy-auth", "alice:wrong", "127.0.0.1", sink.port());
            assertEquals(1, ncat.exitCode(), ncat.stderr());
            assertTrue(ncat.stderr().contains("authentication failed"), ncat.stderr());
            assertEquals(0, ncat.stdout().length);
            Thread.sleep(100);
            assertFalse(received.isDone(), "a refused client must never reach the destination");
        }
    }

    @Test
    void refusedDestinationIsReportedToNcat() throws IOException {
        int port = TcpFixture.closedPort("127.0.0.1");
        Command.Result ncat = ncat(open, new byte[0], "127.0.0.1", port);
        assertEquals(1, ncat.exitCode(), ncat.stderr());
        // ncat prints the text of the reply code it got; a refused proxy would read "Proxy connection failed".
        assertTrue(ncat.stderr().contains("Connected to proxy"), ncat.stderr());
        assertTrue(ncat.stderr().contains("Ncat: Error: Connection refused."), ncat.stderr());
    }

    /** {@code ncat -v --proxy NODE --proxy-type socks5 ARGS... HOST PORT}, fed {@code stdin}. */
    private static Command.Result ncat(RunningNode node, byte[] stdin, Object... args) {
        List<String> argv = new ArrayList<>(List.of("ncat", "-v", "--proxy", node.socksHostPort(), "--proxy-type", "socks5"));
        for (Object arg : args) {
            argv.add(String.valueOf(arg));
        }
        return Command.run(argv, stdin, 30);
    }
}
