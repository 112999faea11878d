package dev.mpp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first five minutes of a newcomer, run against the built image: {@code mpp demo}, then the
 * curl command it prints, returns the file intact, and the demo's per-path counters show traffic
 * on all three paths; Ctrl-C ends it cleanly with the totals.
 */
class FirstFiveMinutesTest {
    private static final Path MPP = Path.of("target", "mpp", "bin", "mpp").toAbsolutePath();
    private static final long SIZE = 32L << 20;
    private static final long WAIT_SECONDS = 60;

    private static final Pattern CURL = Pattern.compile("(?m)^  (curl --socks5-hostname .*)$");
    private static final Pattern SHA256 = Pattern.compile("SHA-256 ([0-9a-f]{64})");
    /** A per-second line: "[   3 s] r1 19.8 Mbit/s 2457600 bytes | r2 ... | sessions: 1 open, 0 ended". */
    private static final Pattern LINE = Pattern.compile("(?m)^\\[ *\\d+ s\\] (.*) sessions: (\\d+) open, (\\d+) ended$");
    private static final Pattern PATH_BYTES = Pattern.compile("(r\\d) [\\d.]+ Mbit/s (\\d+) bytes");
    /** A totals line: "  r1  20 Mbit/s, 40 ms    7143424 bytes down    0 bytes up   21%". */
    private static final Pattern TOTAL = Pattern.compile("(?m)^  (r\\d) .*? (\\d+) bytes down +(\\d+) bytes up");

    @Test
    void theCurlCommandTheDemoPrintsFetchesTheFileIntactOverAllThreePaths(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo.out");
        Path err = dir.resolve("demo.err");
        int port = freePort();
        Process demo = start(dir, out, err, "demo", "--socks", "127.0.0.1:" + port, "--size", SIZE + "");
        try {
            String command = await(out, demo, text -> CURL.matcher(text).results().findFirst().orElse(null)).group(1);
            String expectedSha = match(SHA256, Files.readString(out)).group(1); // printed before the command
            assertTrue(command.contains("127.0.0.1:" + port), command);

            // What the user does: paste the printed command (curl, then sha256sum) into a shell.
            Process curl = new ProcessBuilder("sh", "-c", command).directory(dir.toFile())
                    .redirectOutput(dir.resolve("curl.out").toFile()).redirectError(dir.resolve("curl.err").toFile()).start();
            if (!curl.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                curl.destroyForcibly();
                fail("curl did not finish within " + WAIT_SECONDS + " s; demo said:\n" + Files.readString(out));
            }
            String curlOut = Files.readString(dir.resolve("curl.out"));
            assertEquals(0, curl.exitValue(), curlOut + Files.readString(dir.resolve("curl.err")));
            assertEquals(expectedSha + "  demo.bin", curlOut.strip());
            assertEquals(SIZE, Files.size(dir.resolve("demo.bin")));
            assertEquals(expectedSha, sha256(dir.resolve("demo.bin")));

            // The session has ended once curl is done; a line after that counts every byte of it.
            MatchResult ended = await(out, demo, FirstFiveMinutesTest::lastEndedLine);
            Map<String, Long> perPath = new HashMap<>();
            Matcher p = PATH_BYTES.matcher(ended.group(1));
            while (p.find()) {
                perPath.put(p.group(1), Long.parseLong(p.group(2)));
            }
            assertEquals(List.of("r1", "r2", "r3"), perPath.keySet().stream().sorted().toList(), ended.group());
            perPath.forEach((path, bytes) -> assertTrue(bytes > 0, path + " carried nothing: " + ended.group()));
            assertTrue(perPath.values().stream().mapToLong(Long::longValue).sum() >= SIZE, ended.group());

            // Ctrl-C: the demo closes everything and prints the totals; the exit code is that of a SIGINT.
            signal(demo, "INT");
            if (!demo.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                fail("the demo did not stop within " + WAIT_SECONDS + " s of SIGINT:\n" + Files.readString(out));
            }
            String all = Files.readString(out);
            assertEquals(130, demo.exitValue(), all + Files.readString(err));
            assertTrue(all.contains("\nStopped. Payload bytes per path over 1 session:\n"), all);
            Matcher totals = TOTAL.matcher(all.substring(all.indexOf("Stopped.")));
            long down = 0;
            int paths = 0;
            while (totals.find()) {
                paths++;
                long bytes = Long.parseLong(totals.group(2));
                assertTrue(bytes > 0, totals.group());
                down += bytes;
            }
            assertEquals(3, paths, all);
            assertTrue(down > SIZE, "all paths together carried the file and its HTTP head: " + down);
            assertEquals("", Files.readString(err), "the demo logged warnings or errors");
        } finally {
            demo.destroyForcibly().waitFor();
        }
    }

    @Test
    void anUnknownSchedulerExitsTwoNamingTheAvailableOnes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo.out");
        Path err = dir.resolve("demo.err");
        Process demo = start(dir, out, err, "demo", "--scheduler", "nope", "--socks", "127.0.0.1:" + freePort());
        assertTrue(demo.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "the demo did not exit");
        String message = Files.readString(err);
        assertEquals(2, demo.exitValue(), message);
        assertTrue(message.matches("mpp: unknown scheduler 'nope' \\(available: [a-z, -]*latency-aware[a-z, -]*\\)\\R"), message);
        assertTrue(message.contains("round-robin") && message.contains("weighted"), message);
        assertEquals("", Files.readString(out));
    }

    @Test
    void aSocksPortInUseIsOneLineAndExitOne(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path out = dir.resolve("demo.out");
            Path err = dir.resolve("demo.err");
            Process demo = start(dir, out, err, "demo", "--socks", "127.0.0.1:" + taken.getLocalPort(), "--size", "1MiB");
            assertTrue(demo.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "the demo did not exit");
            String message = Files.readString(err);
            assertEquals(1, demo.exitValue(), message);
            assertTrue(message.matches("mpp: cannot start the demo: cannot listen on \\S*127\\.0\\.0\\.1:" + taken.getLocalPort()
                    + ": Address already in use \\(choose a free port with --socks 127\\.0\\.0\\.1:PORT\\)\\R"), message);
        }
    }

    /**
     * Starts the image's {@code bin/mpp} with stdout and stderr to files (a pipe's last lines are
     * lost when a child exits under a concurrent reader). {@code env --default-signal=INT}: a
     * build started in the background inherits SIGINT ignored, and the JVM then ignores Ctrl-C.
     */
    private static Process start(Path dir, Path out, Path err, String... args) throws IOException {
        assertTrue(Files.isExecutable(MPP), MPP + " is missing: the image is built in the package phase");
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", MPP.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("MPP_LOG_LEVEL");
        return builder.start();
    }

    /** Polls the demo's output until {@code find} finds something in it, the demo exits, or a minute passes. */
    private static MatchResult await(Path out, Process demo, Function<String, MatchResult> find) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(out);
            MatchResult found = find.apply(text);
            if (found != null) {
                return found;
            }
            if (!demo.isAlive()) {
                fail("the demo exited with " + demo.exitValue() + ":\n" + text);
            }
            Thread.sleep(100);
        }
        return fail("not seen within " + WAIT_SECONDS + " s:\n" + Files.readString(out));
    }

    /** The last per-second line with no session open and one ended, or null. */
    private static MatchResult lastEndedLine(String text) {
        return LINE.matcher(text).results().filter(m -> m.group(2).equals("0") && m.group(3).equals("1"))
                .reduce((first, second) -> second).orElse(null);
    }

    private static Matcher match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertTrue(m.find(), pattern + " not in:\n" + text);
        return m;
    }

    private static void signal(Process process, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
