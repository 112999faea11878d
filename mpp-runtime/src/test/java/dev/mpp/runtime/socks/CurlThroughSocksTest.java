package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mpp.runtime.testkit.Command;
import dev.mpp.runtime.testkit.HttpFixture;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.StreamDigest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** curl, the most common SOCKS5 client, fetches a large file through MPP and gets every byte. */
class CurlThroughSocksTest {
    private static final long SEED = 0x5eed_c0de_2026L;
    private static final int SIZE = 64 * 1024 * 1024;

    private static byte[] payload;
    private static HttpFixture http;

    @BeforeAll
    static void serve() throws Exception {
        Command.require("curl", "curl");
        payload = RandomPayload.bytes(SIZE, SEED);
        http = new HttpFixture(payload);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
    }

    @Test
    void socks5WithIpAddressFetches64MiBIntact() {
        try (RunningNode node = RunningNode.socks("")) {
            assertFetched(curl("--socks5", node.socksHostPort(), http.url("127.0.0.1")));
        }
    }

    @Test
    void socks5HostnameLetsTheProxyResolveTheName() {
        try (RunningNode node = RunningNode.socks("")) {
            assertFetched(curl("--socks5-hostname", node.socksHostPort(), http.url("dest.test")));
        }
    }

    @Test
    void usernameAndPasswordFetch64MiBIntact() {
        try (RunningNode node = RunningNode.socksWithPassword("")) {
            assertFetched(curl("--socks5", "alice:s3cret@" + node.socksHostPort(), http.url("127.0.0.1")));
            assertFetched(curl("--socks5-hostname", "alice:s3cret@" + node.socksHostPort(), http.url("dest.test")));
        }
    }

    @Test
    void wrongPasswordAndUnknownUserAreRefused() {
        try (RunningNode node = RunningNode.socksWithPassword("")) {
            Command.Result wrong = curl("--socks5", "alice:wrong@" + node.socksHostPort(), http.url("127.0.0.1"));
            Command.Result unknown = curl("--socks5", "mallory:s3cret@" + node.socksHostPort(), http.url("127.0.0.1"));
            Command.Result none = curl("--socks5", node.socksHostPort(), http.url("127.0.0.1"));
            // curl exits 97 (CURLE_PROXY) for every SOCKS5 refusal.
            assertEquals(97, wrong.exitCode(), wrong.stderr());
            assertEquals(97, unknown.exitCode(), unknown.stderr());
            assertEquals(97, none.exitCode(), none.stderr());
            assertEquals(0, wrong.stdout().length);
            assertEquals(wrong.stderr().replace("alice", "USER"), unknown.stderr().replace("mallory", "USER"),
                    "an unknown user and a wrong password must look the same");
        }
    }

    private static Command.Result curl(String proxyOption, String proxy, String url) {
        return Command.run(List.of("curl", "-sS", "--max-time", "60", proxyOption, proxy, url), 90);
    }

    private static void assertFetched(Command.Result result) {
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(SIZE, result.stdout().length);
        assertEquals(StreamDigest.of(payload), StreamDigest.of(result.stdout()));
    }
}
