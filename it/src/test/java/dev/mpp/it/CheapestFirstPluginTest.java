package dev.mpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.FaultyRelay;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin {@code cheapest-first}, built out of tree, dropped into a copy of the image's
 * {@code plugins/} folder, steers real traffic between two {@code bin/mpp run} processes: the
 * cheapest path carries the most, and a dearer path carries data only when the cheaper ones are full.
 */
class CheapestFirstPluginTest {
    private static final String KEY = "a-key-of-at-least-32-characters-shared-by-a-and-b";
    private static final Pattern PEER_PORT = Pattern.compile("MPP peer port listening on \\S*:(\\d+)\\s");
    private static final Pattern SOCKS_PORT = Pattern.compile("SOCKS5 listening on \\S*:(\\d+)\\s");
    private static final Pattern SESSION_DONE = Pattern.compile("session \\S+ \\S+ via \\S+ done in \\S+ s: (.*)");
    private static final Pattern PATH_SENT = Pattern.compile("path (\\S+) sent (\\d+) B");

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void theCheapestPathCarriesTheMostAndADearOneOnlyWhatTheCheaperCouldNotTake() throws Exception {
        Path image = imageWithTheExamplePlugin();
        Sink sink = track(new Sink());
        FaultyRelay r1 = track(FaultyRelay.start());
        FaultyRelay r2 = track(FaultyRelay.start());
        FaultyRelay r3 = track(FaultyRelay.start());
        r1.slow(8_000_000);
        r2.slow(4_000_000);
        r3.slow(2_000_000);
        for (FaultyRelay r : List.of(r1, r2, r3)) {
            r.delay(Duration.ofMillis(5));
        }

        Node b = track(Node.start(image, dir.resolve("b.json"), """
                {"mpp": {"listen": "127.0.0.1:0", "peerKey": "%s"}}""".formatted(KEY), "info"));
        int peerPort = b.port(PEER_PORT);
        // Debug, for the "path rN up" lines: a transfer starts once every path has joined.
        Node a = track(Node.start(image, dir.resolve("a.json"), """
                {"socks": {"listen": "127.0.0.1:0"}, "mpp": {"peerKey": "%s"},
                 "routes": [{"match": ["127.0.0.1:%d"], "peer": "127.0.0.1:%d", "fallback": "refuse",
                   "scheduler": "cheapest-first",
                   "paths": [{"name": "r3", "via": ["%s"], "options": {"cost": 5}},
                             {"name": "r1", "via": ["%s"], "options": {"cost": 1}},
                             {"name": "r2", "via": ["%s"], "options": {"cost": 2}}]}]}"""
                .formatted(KEY, sink.port(), peerPort, r3.uri(), r1.uri(), r2.uri()), "debug"));
        int socksPort = a.port(SOCKS_PORT);

        // A transfer that fits the cheap path's window goes on it alone.
        Map<String, Long> small = upload(a, socksPort, sink, 100_000, 1);
        assertEquals(Map.of("r1", 100_000L, "r2", 0L, "r3", 0L), small, a.output());

        // A large one spills over, in cost order.
        long size = 24L << 20;
        Map<String, Long> large = upload(a, socksPort, sink, size, 2);
        long sent = large.values().stream().mapToLong(Long::longValue).sum();
        // Re-injected copies (the receiver waiting, or the stream's tail) count as sent on the path that took them.
        assertTrue(sent >= size && sent <= size + size / 20, "every byte went out, a few copies aside: " + large);
        assertTrue(large.get("r1") > large.get("r2") && large.get("r1") > large.get("r3"), "r1 carries the most: " + large);
        assertTrue(large.get("r2") > 0, "r1 alone cannot take 24 MiB at once, so r2 helps: " + large);
        assertTrue(large.get("r2") >= large.get("r3"), "r3 costs more than r2, so it gets no more: " + large);
    }

    /**
     * Sends {@code bytes} through A's SOCKS port to the sink once the session's three paths are up,
     * checks the sink's SHA-256 of what arrived, and returns what each path sent as A logged it.
     */
    private Map<String, Long> upload(Node a, int socksPort, Sink sink, long bytes, int nth) throws Exception {
        byte[] chunk = new byte[64 * 1024];
        new Random(nth).nextBytes(chunk);
        MessageDigest sent = sha256();
        try (Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress(InetAddress.getLoopbackAddress(), socksPort)))) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sink.port()), 10_000);
            s.setSoTimeout(60_000);
            for (String path : List.of("r1", "r2", "r3")) {
                a.await(Pattern.compile(": path " + path + " up"), nth);
            }
            OutputStream out = s.getOutputStream();
            for (long left = bytes; left > 0; left -= chunk.length) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                sent.update(chunk, 0, n);
            }
            s.shutdownOutput();
            String digest = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(HexFormat.of().formatHex(sent.digest()), digest, "the destination's SHA-256 of the upload");
        }
        Matcher done = a.await(SESSION_DONE, nth);
        Map<String, Long> perPath = new LinkedHashMap<>();
        Matcher path = PATH_SENT.matcher(done.group(1));
        while (path.find()) {
            perPath.put(path.group(1), Long.parseLong(path.group(2)));
        }
        return perPath;
    }

    private Path imageWithTheExamplePlugin() throws Exception {
        Path built = Path.of(System.getProperty("mpp.image"));
        Path jar = Path.of(System.getProperty("mpp.cheapestFirstJar"));
        assertTrue(Files.isExecutable(built.resolve("bin/mpp")), "no image at " + built + ": build it first (./mvnw -B verify)");
        assertTrue(Files.isRegularFile(jar), "no example plugin at " + jar + ": build it first (./mvnw -B verify)");
        Path image = dir.resolve("mpp");
        // cp -a keeps the image's file modes; the build output itself stays as it was.
        Process cp = new ProcessBuilder("cp", "-a", built.toString(), image.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor(), "copying the image");
        Files.copy(jar, image.resolve("plugins").resolve(jar.getFileName()));
        return image;
    }

    private <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code bin/mpp run --config FILE} of an image, its output in a file beside the config. */
    private record Node(Process process, Path log) implements AutoCloseable {
        static Node start(Path image, Path config, String json, String logLevel) throws IOException {
            Files.writeString(config, json);
            Path log = Path.of(config + ".log");
            ProcessBuilder pb = new ProcessBuilder(image.resolve("bin/mpp").toString(), "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("MPP_LOG_LEVEL", logLevel);
            return new Node(pb.start(), log);
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        /** The {@code nth} match of {@code pattern} in the output, waiting up to 60 s for it. */
        Matcher await(Pattern pattern, int nth) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                Matcher m = pattern.matcher(output());
                int found = 0;
                while (m.find()) {
                    if (++found == nth) {
                        return m;
                    }
                }
                if (!process.isAlive()) {
                    throw new AssertionError("mpp exited with " + process.exitValue() + ":\n" + output());
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no " + nth + ". '" + pattern + "' within 60 s:\n" + output());
        }

        int port(Pattern listening) throws InterruptedException {
            return Integer.parseInt(await(listening, 1).group(1));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** A destination on loopback that reads each connection to its end and answers with the SHA-256 of what it read. */
    private static final class Sink implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread acceptor = Thread.ofVirtual().name("sink-accept").start(this::accept);

        Sink() throws IOException {}

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (true) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().name("sink").start(() -> digest(s));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void digest(Socket s) {
            try (s) {
                MessageDigest d = sha256();
                InputStream in = s.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    d.update(buffer, 0, n);
                }
                s.getOutputStream().write(HexFormat.of().formatHex(d.digest()).getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the client went away: nothing to answer
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join();
        }
    }
}
