package dev.mpp.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.plugin.BuiltInProviders;
import dev.mpp.runtime.plugin.PluginJars;
import dev.mpp.runtime.testkit.SocksWire;
import dev.mpp.runtime.testkit.StreamDigest;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code mpp} command's contract: output, exit codes, and one-line errors. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void versionPrintsTheProjectVersion() {
        assertEquals(0, main.execute(new String[] {"--version"}, false));
        assertTrue(Pattern.matches("mpp \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R", out()), out());
    }

    @Test
    void helpListsEveryCommand() {
        assertEquals(0, main.execute(new String[] {"--help"}, false));
        for (String command : new String[] {"run [--config FILE]", "check-config FILE", "plugins", "demo [--scheduler NAME]",
                "--version", "--help"}) {
            assertTrue(out().contains(command), command + " missing from:\n" + out());
        }
    }

    @Test
    void pluginsListsTheSocksInboundAndBothAuthenticatorsWithTheirModules() {
        assertEquals(0, main.execute(new String[] {"plugins"}, false));
        assertTrue(Pattern.compile("(?m)^inbound +socks5 +dev\\.mpp\\.plugin\\.socks5 +\\S+ +built-in$").matcher(out()).find(), out());
        assertTrue(Pattern.compile("(?m)^authenticator +none +dev\\.mpp\\.plugin\\.auth ").matcher(out()).find(), out());
        assertTrue(Pattern.compile("(?m)^authenticator +username-password +dev\\.mpp\\.plugin\\.auth ").matcher(out()).find(), out());
    }

    @Test
    void pluginsListsEveryBuiltInProviderAsBuiltIn() {
        assertEquals(0, main.execute(new String[] {"plugins", "--plugins", "/nonexistent"}, false));
        for (String name : BuiltInProviders.NAMES) {
            assertTrue(Pattern.compile("(?m)^[a-z ]+? +" + Pattern.quote(name) + " +dev\\.mpp\\.\\S+ +\\S+ +built-in$")
                    .matcher(out()).find(), name + " missing from:\n" + out());
        }
    }

    @Test
    void pluginsShowsEachPluginsOriginAndWhatFailedToLoadWithWhy(@TempDir Path plugins) throws Exception {
        Path jar = PluginJars.authenticatorPlugin(plugins, "test.plain", "test-plain", null);
        Path folder = PluginJars.folderPlugin(plugins, "test.folder", "test-folder");
        Path broken = PluginJars.brokenDescriptor(plugins, "broken.jar");
        assertEquals(0, main.execute(new String[] {"plugins", "--plugins", plugins.toString()}, false));
        assertTrue(Pattern.compile("(?m)^authenticator +test-plain +test\\.plain +- +" + Pattern.quote(jar.toString()) + "$")
                .matcher(out()).find(), out());
        assertTrue(Pattern.compile("(?m)^authenticator +test-folder +test\\.folder +- +" + Pattern.quote(folder.toString()) + "$")
                .matcher(out()).find(), out());
        assertTrue(out().contains("\nNot loaded (mpp run starts without them):\n  " + broken
                + ": skipped: cannot read its module: Error reading module: " + broken + ": Bad magic number\n"), out());
    }

    @Test
    void aNameClashWithABuiltInStopsPluginsCheckConfigAndRunWithExitTwoNamingBothModules(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = PluginJars.schedulerPlugin(plugins, "test.clash", "round-robin");
        String clash = "two scheduler providers are named 'round-robin': in module dev.mpp.plugin.schedulers (built-in) "
                + "and in module test.clash (" + jar + "); remove one of them";
        assertEquals(2, main.execute(new String[] {"plugins", "--plugins", plugins.toString()}, false));
        assertTrue(out().contains("Name clashes (mpp run and check-config refuse to start):\n  " + clash + "\n"), out());
        assertEquals("mpp: " + clash + "\n", err());
        // A SOCKS-only node uses no scheduler, and still refuses: which provider a name means must never be left to chance.
        Path config = Files.writeString(dir.resolve("socks.json"), "{\"socks\": {\"listen\": \"127.0.0.1:0\"}}");
        for (String command : new String[] {"check-config", "run"}) {
            err.reset();
            String[] args = command.equals("run") ? new String[] {"run", "--config", config.toString(), "--plugins", plugins.toString()}
                    : new String[] {"check-config", config.toString(), "--plugins", plugins.toString()};
            assertEquals(2, main.execute(args, false), command);
            assertEquals("mpp: " + clash + "\n", err(), command);
        }
    }

    @Test
    void checkConfigAcceptsAGoodFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ok.json"), "{\"socks\": {\"listen\": \"127.0.0.1:1080\"}}");
        assertEquals(0, main.execute(new String[] {"check-config", file.toString()}, false));
        assertEquals(file + ": OK\n", out());
    }

    @Test
    void checkConfigRejectsABadFileWithOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\n  \"socks\": {\"listn\": \"127.0.0.1:1080\"}\n}");
        assertEquals(2, main.execute(new String[] {"check-config", file.toString()}, false));
        assertTrue(err().startsWith("mpp: socks.listn: unknown field (expected one of: "), err());
        assertTrue(err().endsWith("line 2 column 13\n"), err());
        assertEquals("", out());
    }

    @Test
    void checkConfigNamesAnUnknownAuthenticatorAndWhatIsAvailable(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("auth.json"), "{\"socks\": {\"auth\": {\"method\": \"kerberos\"}}}");
        assertEquals(2, main.execute(new String[] {"check-config", file.toString()}, false));
        assertEquals("mpp: unknown authenticator 'kerberos' (available: none, username-password)\n", err());
    }

    @Test
    void checkConfigChecksTheInboundPluginsOptionsToo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("opts.json"), "{\"socks\": {\"options\": {\"bindTimeoutSecond\": 5}}}");
        assertEquals(2, main.execute(new String[] {"check-config", file.toString()}, false));
        assertEquals("mpp: socks.options.bindTimeoutSecond: unknown option (expected one of: bindTimeoutSeconds), "
                + "line 1 column 24\n", err());
    }

    @Test
    void aConfigWithNothingToRunIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("empty.json"), "{}");
        assertEquals(2, main.execute(new String[] {"check-config", file.toString()}, false));
        assertEquals("mpp: nothing to run: the config has no listener (expected \"socks\": {...} or \"mpp\": {\"listen\": ...})\n", err());
    }

    private static final String KEY = "\"peerKey\": \"a-key-of-at-least-32-characters-long\"";

    @Test
    void checkConfigAcceptsATwoNodeSetupAndAPeerPortAlone(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), "{\"socks\": {}, \"mpp\": {" + KEY + "}, \"routes\": [{\"match\": "
                + "[\"*.example.org\"], \"peer\": \"127.0.0.1:7700\", \"paths\": [{\"name\": \"direct\"}, {\"name\": \"r1\", "
                + "\"via\": [\"socks5://u:p@127.0.0.1:1081\"]}]}]}");
        Path b = Files.writeString(dir.resolve("b.json"), "{\"mpp\": {\"listen\": \"127.0.0.1:7700\", " + KEY + "}}");
        assertEquals(0, main.execute(new String[] {"check-config", a.toString()}, false), err());
        assertEquals(0, main.execute(new String[] {"check-config", b.toString()}, false), err());
    }

    @Test
    void checkConfigNamesARoutesUnknownSchedulerAndWhatIsAvailable(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.json"), "{\"socks\": {}, \"mpp\": {" + KEY + "}, \"routes\": [{\"match\": "
                + "[\"10.0.0.0/8\"], \"peer\": \"127.0.0.1:7700\", \"paths\": [{\"name\": \"direct\"}], \"scheduler\": \"fastest\"}]}");
        assertEquals(2, main.execute(new String[] {"check-config", file.toString()}, false));
        int column = Files.readString(file).indexOf("\"scheduler\"") + 1; // where the field is
        assertEquals("mpp: routes[0].scheduler: unknown scheduler 'fastest' (available: latency-aware, redundant, "
                + "round-robin, weighted), line 1 column " + column + "\n", err());
    }

    @Test
    void checkConfigAndRunReportAPathOptionTheSchedulerDoesNotTakeWithLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.json"), "{\"socks\": {\"listen\": \"127.0.0.1:0\"}, \"mpp\": {" + KEY
                + "}, \"routes\": [{\"match\": [\"10.0.0.0/8\"], \"peer\": \"127.0.0.1:7700\",\n  \"paths\": [{\"name\": \"direct\", "
                + "\"options\": {\"cost\": 3}}], \"scheduler\": \"latency-aware\"}]}");
        String expected = "mpp: routes[0].paths[0].options.cost: unknown option (scheduler latency-aware takes no path options), line 2 column 44\n";
        assertEquals(2, main.execute(new String[] {"check-config", file.toString()}, false));
        assertEquals(expected, err());
        err.reset();
        assertEquals(2, main.execute(new String[] {"run", "--config", file.toString()}, false));
        assertEquals(expected, err());
    }

    @Test
    void checkConfigTakesTheSchedulerAsAnObjectAndChecksItsRouteOptions(@TempDir Path dir) throws Exception {
        String route = "{\"socks\": {}, \"mpp\": {" + KEY + "}, \"routes\": [{\"match\": [\"10.0.0.0/8\"], "
                + "\"peer\": \"127.0.0.1:7700\", \"paths\": [{\"name\": \"direct\"}],\n  \"scheduler\": %s}]}";
        Path good = Files.writeString(dir.resolve("good.json"), route.formatted("{\"name\": \"round-robin\"}"));
        assertEquals(0, main.execute(new String[] {"check-config", good.toString()}, false), err());
        Path bad = Files.writeString(dir.resolve("bad.json"), route.formatted("{\"name\": \"round-robin\", \"turns\": 2}"));
        assertEquals(2, main.execute(new String[] {"check-config", bad.toString()}, false));
        assertEquals("mpp: routes[0].scheduler.turns: unknown option (none is allowed here), line 2 column 40\n", err());
        err.reset();
        Path nameless = Files.writeString(dir.resolve("nameless.json"), route.formatted("{\"turns\": 2}"));
        assertEquals(2, main.execute(new String[] {"check-config", nameless.toString()}, false));
        assertTrue(err().startsWith("mpp: routes[0].scheduler.name: missing (expected the scheduler's name"), err());
        assertTrue(err().endsWith("line 2 column 16\n"), err());
    }

    @Test
    void checkConfigChecksTheMppSectionWithLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("b.json"), "{\"mpp\": {\"listen\": \"127.0.0.1:7700\", " + KEY
                + ",\n  \"keepalive\": \"20s\"}}");
        assertEquals(2, main.execute(new String[] {"check-config", file.toString()}, false));
        assertEquals("mpp: mpp.keepalive: 20s (expected: less than pathTimeout 10s, or live paths would time out), "
                + "line 2 column 3\n", err());
        Path noKey = Files.writeString(dir.resolve("c.json"), "{\"mpp\": {\"listen\": \"127.0.0.1:7700\"}}");
        assertEquals(2, main.execute(new String[] {"check-config", noKey.toString()}, false));
        assertTrue(err().contains("mpp.listen: a peer port needs \"peerKey\""), err());
    }

    @Test
    void refusesAnOpenProxyOnANonLoopbackAddress(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("open.json"), "{\"socks\": {\"listen\": \"0.0.0.0:0\"}}");
        assertEquals(2, main.execute(new String[] {"run", "--config", file.toString()}, false));
        assertTrue(err().contains("is not a loopback address and socks.auth is 'none'"), err());
    }

    @Test
    void allowOpenProxyLetsItStartAnyway(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("open.json"), "{\"socks\": {\"listen\": \"0.0.0.0:0\", \"allowOpenProxy\": true}}");
        assertEquals(0, main.execute(new String[] {"check-config", file.toString()}, false));
    }

    @Test
    void anAddressInUseIsAFailureToStart(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path file = Files.writeString(dir.resolve("taken.json"),
                    "{\"socks\": {\"listen\": \"127.0.0.1:" + taken.getLocalPort() + "\"}}");
            assertEquals(1, main.execute(new String[] {"run", "--config", file.toString()}, false));
            assertTrue(err().startsWith("mpp: cannot start: "), err());
        }
    }

    @Test
    void runServesUntilClosed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("run.json"), "{\"socks\": {\"listen\": \"127.0.0.1:0\"}}");
        assertEquals(0, main.execute(new String[] {"run", "--config", file.toString()}, false));
        try (SocksWire probe = SocksWire.connect(main.started.socksAddress())) {
            probe.greetNoAuth();
        } finally {
            main.started.close(Duration.ZERO);
        }
    }

    @Test
    void unknownCommandPrintsUsageAndExitsTwo() {
        assertEquals(2, main.execute(new String[] {"serve"}, false));
        assertTrue(err().startsWith("mpp: unknown command 'serve'\nUsage: mpp <command>"), err());
    }

    @Test
    void noCommandPrintsUsageAndExitsTwo() {
        assertEquals(2, main.execute(new String[0], false));
        assertTrue(err().contains("Usage: mpp <command>"), err());
    }

    @Test
    void demoRefusesBadOptionsWithOneLineAndExitTwo() {
        assertEquals(2, main.execute(new String[] {"demo", "--size", "32MB"}, false));
        assertTrue(err().startsWith("mpp: '32MB' is not a size (expected e.g. 100MiB, 512KiB, 1GiB or bytes)\nUsage:"), err());
        err.reset();
        assertEquals(2, main.execute(new String[] {"demo", "--size", "17GiB"}, false));
        assertTrue(err().startsWith("mpp: demo --size 17GiB (expected 1 byte to 16GiB)\n"), err());
        err.reset();
        assertEquals(2, main.execute(new String[] {"demo", "--socks"}, false));
        assertTrue(err().startsWith("mpp: demo --socks needs a value\n"), err());
        err.reset();
        assertEquals(2, main.execute(new String[] {"demo", "--socks", "192.0.2.1:1080"}, false));
        assertEquals("mpp: --socks 192.0.2.1:1080: not a loopback address; the demo serves this machine only "
                + "(expected e.g. 127.0.0.1:1080)\n", err());
        err.reset();
        assertEquals(2, main.execute(new String[] {"demo", "--scheduler", "nope"}, false));
        assertTrue(err().matches("mpp: unknown scheduler 'nope' \\(available: .*latency-aware.*\\)\n"), err());
        assertEquals("", out());
    }

    @Test
    void demoServesItsFileThroughTheSocksAddressItPrints() throws Exception {
        assertEquals(0, main.execute(new String[] {"demo", "--socks", "127.0.0.1:0", "--size", "3MiB"}, false));
        try {
            Matcher curl = Pattern.compile("curl --socks5-hostname 127\\.0\\.0\\.1:(\\d+) (http://\\S+)").matcher(out());
            Matcher sha = Pattern.compile("SHA-256 ([0-9a-f]{64})").matcher(out());
            assertTrue(curl.find() && sha.find(), out());
            Proxy proxy = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", Integer.parseInt(curl.group(1))));
            HttpURLConnection http = (HttpURLConnection) URI.create(curl.group(2)).toURL().openConnection(proxy);
            http.setReadTimeout(20_000);
            try (InputStream body = http.getInputStream()) {
                assertEquals(new StreamDigest(3 << 20, sha.group(1)), StreamDigest.of(body));
            }
        } finally {
            main.startedDemo.close();
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
