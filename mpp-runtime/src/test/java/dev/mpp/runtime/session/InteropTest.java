package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Command;
import dev.mpp.runtime.testkit.HttpFixture;
import dev.mpp.runtime.testkit.MppProcess;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RelayProcess;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code mpp run} processes joined by a route over three paths: one through Dante, one
 * through microsocks, one direct. curl and ncat, as SOCKS5 clients of node A, move 64 MiB each
 * through the multipath session, and the nodes' logs show that the session carried them, over
 * every path, and that nothing fell back to a direct connection.
 */
class InteropTest {
    private static final long SEED = 0x1_7e20_2026L;
    private static final int SIZE = 64 * 1024 * 1024;
    private static final String KEY = "an-interop-key-of-at-least-32-characters";
    private static final List<String> PATHS = List.of("dante", "microsocks", "direct");
    private static final Pattern WARNING = Pattern.compile("\\] (WARN|ERROR) ");
    /** Node A's line for each session it opens; group 1 is the session's label: MID, destination, peer. */
    private static final Pattern OPENED = Pattern.compile("INFO \\S+ - .*: session (\\S+ .*) open on path (\\S+)\\R");

    @TempDir
    static Path dir;
    private static byte[] payload;
    private static HttpFixture http;
    private static RelayProcess dante;
    private static RelayProcess microsocks;
    private static MppProcess peer;
    private static MppProcess node;

    @BeforeAll
    static void start() throws IOException {
        Command.require("curl", "curl");
        Command.require("ncat", "ncat");
        payload = RandomPayload.bytes(SIZE, SEED);
        http = new HttpFixture(payload);
        dante = RelayProcess.dante(dir);
        microsocks = RelayProcess.microsocks(dir);
        peer = MppProcess.start("{\"mpp\": {\"listen\": \"127.0.0.1:0\", \"peerKey\": \"" + KEY + "\"}}", dir,
                InteropTest::sessionDebugLog);
        node = MppProcess.start("""
                {"socks": {"listen": "127.0.0.1:0"},
                 "mpp": {"peerKey": "%s"},
                 "routes": [{"match": ["127.0.0.1", "localhost"], "peer": "127.0.0.1:%d",
                             "paths": [{"name": "dante", "via": ["%s"]},
                                       {"name": "microsocks", "via": ["%s"]},
                                       {"name": "direct"}]}]}
                """.formatted(KEY, peer.peerPort(), dante.uri(), microsocks.uri()), dir, InteropTest::sessionDebugLog);
    }

    /** The session engine's DEBUG lines say when each path comes up; the rest stays at INFO. */
    private static List<String> sessionDebugLog(List<String> argv) {
        List<String> out = new ArrayList<>(argv);
        out.add(1, "-Dorg.slf4j.simpleLogger.log.dev.mpp.runtime.session=debug");
        return out;
    }

    @AfterAll
    static void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {node, peer, microsocks, dante}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        if (http != null) {
            http.close();
        }
    }

    @Test
    void curlFetches64MiBOverDanteMicrosocksAndADirectPath() throws IOException {
        int sessions = opened();
        assertDownloaded(curl("--socks5", http.url("127.0.0.1")));
        assertCarriedByOneMoreSession(sessions, "127.0.0.1");
    }

    @Test
    void curlWithSocks5HostnameSendsTheNameThroughTheRoute() throws IOException {
        int sessions = opened();
        assertDownloaded(curl("--socks5-hostname", http.url("localhost")));
        assertCarriedByOneMoreSession(sessions, "localhost");
    }

    @Test
    void ncatUploads64MiBOverDanteMicrosocksAndADirectPath() throws Exception {
        int sessions = opened();
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture sink = TcpFixture.sink(received)) {
            // At end of input ncat half-closes and waits for the sink, which closes once it has read to the end.
            Command.Result ncat = Command.run(List.of("ncat", "--proxy", "127.0.0.1:" + node.socksPort(), "--proxy-type",
                    "socks5", "127.0.0.1", String.valueOf(sink.port())), payload, 45);
            assertEquals(0, ncat.exitCode(), ncat.stderr());
            assertEquals(StreamDigest.of(payload), received.get(10, TimeUnit.SECONDS), "what the sink received (seed " + SEED + ")");
        }
        assertCarriedByOneMoreSession(sessions, "127.0.0.1");
    }

    /** curl through node A into a file; returns the file. */
    private static Path curl(String proxyOption, String url) throws IOException {
        Path file = Files.createTempFile(dir, "curl-", ".bin");
        Command.Result curl = Command.run(List.of("curl", "-sS", "--max-time", "40", "-o", file.toString(),
                proxyOption, "127.0.0.1:" + node.socksPort(), url), 45);
        assertEquals(0, curl.exitCode(), curl.stderr());
        return file;
    }

    private static void assertDownloaded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(StreamDigest.of(payload), StreamDigest.of(in), "what curl wrote (seed " + SEED + ")");
        } finally {
            Files.delete(file);
        }
    }

    /**
     * Node A opened one more session, to {@code host}, and node B accepted it; every path of the
     * route came up in it; nothing went direct.
     */
    private static void assertCarriedByOneMoreSession(int before, String host) {
        String a = node.output();
        List<MatchResult> opened = OPENED.matcher(a).results().toList();
        assertEquals(before + 1, opened.size(), "sessions node A opened:\n" + a);
        String label = opened.getLast().group(1);
        assertTrue(label.contains(" " + host + ":"), "the session goes to " + host + ": " + label);
        assertFalse(a.contains("connecting directly (fallback"), "node A fell back to a direct connection:\n" + a);
        for (String path : PATHS) {
            assertTrue(a.contains(label + ": path " + path + " up"), "path " + path + " came up in session " + label + ":\n" + a);
        }
        String mid = label.substring(0, label.indexOf(' '));
        assertTrue(peer.printed("peer port: session " + mid, 5), "node B accepted session " + mid + ":\n" + peer.output());
        assertFalse(WARNING.matcher(a).find(), "node A warned:\n" + a);
        assertFalse(WARNING.matcher(peer.output()).find(), "node B warned:\n" + peer.output());
    }

    private static int opened() {
        return (int) OPENED.matcher(node.output()).results().count();
    }
}
