package dev.mpp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.plugin.BuiltInProviders;
import dev.mpp.runtime.plugin.PluginJars;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user gets it: unpacked into a folder whose name has a space, and run as
 * {@code bin/mpp} processes with a scrubbed environment: no JAVA_HOME, and a PATH on which no
 * {@code java} (nor anything else) can be found.
 */
class ReleaseArchiveTest {
    private static final String VERSION = System.getProperty("mpp.version");
    /** A hang guard for each command, not a measurement: every command here finishes in about a second. */
    private static final long COMMAND_DEADLINE_SECONDS = 60;

    @TempDir
    static Path work;
    private static Path home;
    private static Path emptyPath;

    @BeforeAll
    static void unpackTheArchive() throws Exception {
        Path archive = Path.of(System.getProperty("mpp.archive"));
        Path target = Files.createDirectories(work.resolve("opt with space"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", target.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes());
        assertEquals(0, tar.waitFor(), "tar: " + output);
        try (Stream<Path> top = Files.list(target)) {
            assertEquals(List.of("mpp-" + VERSION), top.map(p -> p.getFileName().toString()).toList(),
                    "the archive holds one folder, mpp-<version>");
        }
        home = target.resolve("mpp-" + VERSION);
        emptyPath = Files.createDirectories(work.resolve("empty-path"));
    }

    @AfterEach
    void emptyThePluginsFolder() throws IOException {
        try (Stream<Path> all = Files.walk(home.resolve("plugins"))) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(home.resolve("plugins")) && !p.getFileName().toString().equals("README.txt")) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void theUnpackedArchiveRunsWithoutAJdkAndListsEveryBuiltInProvider() throws Exception {
        assertNotEquals(0, scrubbed("/bin/sh", "-c", "command -v java").code(), "java must not be found on PATH");
        assertEquals(new Result(0, "mpp " + VERSION + "\n", ""), mpp("--version"));

        Result plugins = mpp("plugins");
        assertEquals(0, plugins.code(), plugins.toString());
        for (String name : BuiltInProviders.NAMES) {
            assertTrue(Pattern.compile("(?m)^[a-z ]+? +" + Pattern.quote(name) + " +dev\\.mpp\\.\\S+ +" + Pattern.quote(VERSION)
                    + " +built-in$").matcher(plugins.out()).find(), name + " missing from:\n" + plugins.out());
        }
    }

    @Test
    void theShippedConfigIsValid() throws Exception {
        assertEquals(new Result(0, "conf/mpp.json: OK\n", ""), mpp("check-config", "conf/mpp.json"));
    }

    @Test
    void brokenPluginsAreNamedWithWhyAndSkippedWhileAFolderPluginServesTraffic() throws Exception {
        Path plugins = home.resolve("plugins");
        Path broken = PluginJars.brokenDescriptor(plugins, "broken.jar");
        // javac has java.desktop; the image does not.
        Path needy = PluginJars.authenticatorPlugin(plugins, "test.desktop", "test-desktop", "java.desktop");
        Path folder = PluginJars.folderPlugin(plugins, "test.folder", "test-folder");
        Path plain = PluginJars.authenticatorPlugin(plugins, "test.plain", "test-plain", null);

        Result list = mpp("plugins");
        assertEquals(0, list.code(), list.toString());
        assertTrue(Pattern.compile("(?m)^authenticator +test-folder +test\\.folder +- +" + Pattern.quote(folder.toString()) + "$")
                .matcher(list.out()).find(), list.out());
        assertTrue(Pattern.compile("(?m)^authenticator +test-plain +test\\.plain +- +" + Pattern.quote(plain.toString()) + "$")
                .matcher(list.out()).find(), list.out());
        String brokenWhy = broken + ": skipped: cannot read its module: Error reading module: " + broken + ": Bad magic number";
        String needyWhy = needy + ": skipped: cannot resolve its module: Module java.desktop not found, required by test.desktop";
        assertTrue(list.out().contains("\nNot loaded (mpp run starts without them):\n  " + brokenWhy + "\n  " + needyWhy),
                list.out());

        // mpp run starts without them, says which and why in its log, and serves with the folder plugin's authenticator.
        Path config = Files.writeString(work.resolve("socks.json"), """
                {"socks": {"listen": "127.0.0.1:0", "auth": {"method": "test-folder"}, "shutdownGrace": "1s"}}""");
        Path log = work.resolve("run.log");
        Process node = scrubbedBuilder(home.resolve("bin/mpp").toString(), "run", "--config", config.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
        try {
            String text = awaitLine(node, log, "SOCKS5 listening");
            assertTrue(text.contains("WARN") && text.contains(brokenWhy), text);
            assertTrue(text.contains(needyWhy), text);
            Matcher listening = Pattern.compile("SOCKS5 listening on /127\\.0\\.0\\.1:(\\d+) \\(auth: test-folder\\)").matcher(text);
            assertTrue(listening.find(), text);
            echoThroughSocks(Integer.parseInt(listening.group(1)));
        } finally {
            node.destroy(); // SIGTERM
            assertTrue(node.waitFor(COMMAND_DEADLINE_SECONDS, TimeUnit.SECONDS), "mpp run did not stop on SIGTERM");
        }
        assertTrue(Files.readString(log).contains("stopped"), Files.readString(log));
    }

    @Test
    void aProviderNamedLikeABuiltInStopsPluginsAndRunWithExitTwoNamingBothModules() throws Exception {
        Path clash = PluginJars.schedulerPlugin(home.resolve("plugins"), "test.clash", "round-robin");
        String message = "two scheduler providers are named 'round-robin': in module dev.mpp.plugin.schedulers (built-in) "
                + "and in module test.clash (" + clash + "); remove one of them";

        Result list = mpp("plugins");
        assertEquals(2, list.code(), list.toString());
        assertTrue(list.out().contains("Name clashes (mpp run and check-config refuse to start):\n  " + message + "\n"), list.out());
        assertTrue(list.err().contains("mpp: " + message + "\n"), list.err());

        Result run = mpp("run", "--config", "conf/mpp.json");
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().endsWith("mpp: " + message + "\n"), run.err());
    }

    @Test
    void docsListTheJdkModulesTheImageCarries() throws Exception {
        Result modules = scrubbed(home.resolve("bin/java").toString(), "--list-modules");
        assertEquals(0, modules.code(), modules.toString());
        Set<String> inImage = modules.out().lines().map(l -> l.split("@")[0])
                .filter(m -> m.startsWith("java.") || m.startsWith("jdk.")).collect(Collectors.toCollection(TreeSet::new));
        String guide = Files.readString(Path.of(System.getProperty("mpp.docs"), "plugin-guide.md"));
        String section = guide.substring(guide.indexOf("<!-- jdk-modules:start"), guide.indexOf("<!-- jdk-modules:end -->"));
        Set<String> documented = section.lines().filter(l -> l.startsWith("- `")).map(l -> l.substring(3, l.indexOf('`', 3)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(inImage, documented, "docs/plugin-guide.md must list exactly the JDK modules of the image");
    }

    /** One MiB through the node to a loopback echo server and back, checked by SHA-256. */
    private static void echoThroughSocks(int socksPort) throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(socksPort).nextBytes(payload);
        try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", socksPort)))) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException e) {
                    // the client's assertion reports what is missing
                }
            });
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    client.getOutputStream().write(payload);
                    client.shutdownOutput();
                } catch (IOException e) {
                    // the reader's assertion reports what is missing
                }
            });
            byte[] back = client.getInputStream().readAllBytes();
            writer.join();
            server.join();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            assertEquals(HexFormat.of().formatHex(sha.digest(payload)), HexFormat.of().formatHex(sha.digest(back)),
                    "bytes through the node: " + back.length + " of " + payload.length);
        }
    }

    private record Result(int code, String out, String err) {}

    private static Result mpp(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/mpp").toString()));
        command.addAll(Arrays.asList(args));
        return scrubbed(command.toArray(String[]::new));
    }

    private static Result scrubbed(String... command) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = scrubbedBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(COMMAND_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** No JAVA_HOME, nothing on PATH, the image's folder as working directory. */
    private static ProcessBuilder scrubbedBuilder(String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", emptyPath.toString());
        return builder;
    }

    /** Waits until {@code log} holds {@code line}, or fails with the log once the process ends without it. */
    private static String awaitLine(Process process, Path log, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_DEADLINE_SECONDS);
        while (true) {
            String text = Files.readString(log);
            if (text.contains(line)) {
                return text;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + line + "' from mpp run: " + text);
            }
            Thread.sleep(50);
        }
    }
}
