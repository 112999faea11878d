package dev.mpp.runtime.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import dev.mpp.runtime.config.ConfigLoader;
import dev.mpp.runtime.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source with a file follows it: a change that parses replaces the routes at once, a change
 * with an error leaves the current routes in place and is reported once, and close() ends the
 * one thread that watches.
 */
class StaticRouteSourceReloadTest {
    private static final Duration FAST = Duration.ofMillis(50);
    /** Several polls: long enough for a reload that should not happen to have happened. */
    private static final long A_FEW_POLLS_MS = 400;
    private static final long PATIENCE_MS = 10_000;

    @TempDir
    Path dir;

    private final List<String> infos = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private StaticRouteSource source;

    @AfterEach
    void closeTheSource() {
        if (source != null) {
            source.close();
        }
    }

    /** A whole config whose one route sends {@code entry} to peer {@code 10.9.9.9:<peerPort>}. */
    private static String config(String entry, int peerPort) {
        return """
                {
                  "socks": {"listen": "127.0.0.1:1080"},
                  "routes": [
                    {"match": ["%s"], "peer": "10.9.9.9:%d",
                     "paths": [{"name": "a"}]}
                  ]
                }
                """.formatted(entry, peerPort);
    }

    /** Writes the way careful editors do: a new file renamed over the old, so no poll sees half of it. */
    private Path write(String text) throws IOException {
        Path file = dir.resolve("mpp.json");
        Path next = Files.writeString(dir.resolve("mpp.json.new"), text);
        return Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A source built as the provider builds it, but polling fast and reporting to the lists. */
    private StaticRouteSource watching(Path file) {
        RouteTable table = RouteParser.parse(StaticRouteSourceProvider.options(
                new ConfigLoader().load(file).routes(), Routes.NODE_KEY, null), Routes.NODE_KEY);
        source = new StaticRouteSource(table, "", Routes.NODE_KEY, file, FAST, infos::add, warnings::add);
        return source;
    }

    private Integer peerPortFor(String host) {
        return source.lookup(new HostPort(host, 80)).map(r -> r.peer().port()).orElse(null);
    }

    @Test
    void aChangedRouteIsServedAfterTheNextPoll() throws IOException {
        watching(write(config("10.0.0.0/8", 7700)));
        assertEquals(7700, peerPortFor("10.1.1.1"));

        write(config("192.0.2.0/24", 7701));

        assertTrue(Await.until(() -> Integer.valueOf(7701).equals(peerPortFor("192.0.2.1")), PATIENCE_MS), "not reloaded");
        assertEquals(null, peerPortFor("10.1.1.1"));
        // The new routes are served a moment before the reload is reported.
        assertTrue(Await.until(() -> !infos.isEmpty(), PATIENCE_MS), "reported");
        assertEquals(List.of("routes reloaded: 1 routes"), infos);
        assertEquals(List.of(), warnings);
    }

    @Test
    void aFileRewrittenInPlaceIsNoticedToo() throws IOException {
        Path file = write(config("10.0.0.0/8", 7700));
        watching(file);

        Files.writeString(file, config("10.0.0.0/8", 7702));

        assertTrue(Await.until(() -> Integer.valueOf(7702).equals(peerPortFor("10.1.1.1")), PATIENCE_MS), "not reloaded");
    }

    @Test
    void aBrokenRouteKeepsTheCurrentRoutesAndIsReportedOnceWithItsLocation() throws IOException {
        Path file = write(config("10.0.0.0/8", 7700));
        watching(file);

        write(config("10.0.0.0/8", 7700).replace("{\"name\": \"a\"}", "{\"name\": \"a\", \"weight\": 0}"));

        assertTrue(Await.until(() -> !warnings.isEmpty(), PATIENCE_MS), "no warning");
        assertEquals("routes not reloaded from " + file + ", keeping the current 1: "
                + "routes[0].paths[0].weight: 0 (expected: at least 1), line 5 column 30", warnings.getFirst());
        Await.sleep(A_FEW_POLLS_MS);
        assertEquals(1, warnings.size(), "reported once, not on every poll: " + warnings);
        assertEquals(7700, peerPortFor("10.1.1.1"));
        assertEquals(List.of(), infos);

        write(config("10.0.0.0/8", 7703));
        assertTrue(Await.until(() -> Integer.valueOf(7703).equals(peerPortFor("10.1.1.1")), PATIENCE_MS),
                "a fixed file is reloaded");
    }

    @Test
    void aConfigThatNoLongerParsesAnywhereKeepsTheCurrentRoutes() throws IOException {
        Path file = write(config("10.0.0.0/8", 7700));
        watching(file);

        write(config("192.0.2.0/24", 7701).replace("\"listen\": \"127.0.0.1:1080\"", "\"maxConnections\": 0"));

        assertTrue(Await.until(() -> !warnings.isEmpty(), PATIENCE_MS), "no warning");
        assertEquals("routes not reloaded from " + file + ", keeping the current 1: "
                + "socks.maxConnections: 0 (expected: at least 1), line 2 column 13", warnings.getFirst());
        assertEquals(7700, peerPortFor("10.1.1.1"));
        assertEquals(null, peerPortFor("192.0.2.1"));
    }

    @Test
    void aTouchThatChangesNothingDoesNotReload() throws IOException {
        Path file = write(config("10.0.0.0/8", 7700));
        watching(file);

        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        write(config("10.0.0.0/8", 7700));
        Await.sleep(A_FEW_POLLS_MS);

        assertEquals(List.of(), infos);
        assertEquals(List.of(), warnings);
    }

    @Test
    void aFileMissingForAWhileIsReportedAndItsReturnIsReloaded() throws IOException {
        Path file = write(config("10.0.0.0/8", 7700));
        watching(file);

        Files.delete(file);
        assertTrue(Await.until(() -> !warnings.isEmpty(), PATIENCE_MS), "no warning");
        assertEquals(file + ": no such file; keeping the current 1 routes", warnings.getFirst());
        assertEquals(7700, peerPortFor("10.1.1.1"));

        write(config("10.0.0.0/8", 7704));
        assertTrue(Await.until(() -> Integer.valueOf(7704).equals(peerPortFor("10.1.1.1")), PATIENCE_MS), "not reloaded");
    }

    @Test
    void aRouteAlreadyHandedOutIsNotChangedByAReload() throws IOException {
        watching(write(config("10.0.0.0/8", 7700)));
        Route before = source.lookup(new HostPort("10.1.1.1", 80)).orElseThrow();

        write(config("10.0.0.0/8", 7705));
        assertTrue(Await.until(() -> Integer.valueOf(7705).equals(peerPortFor("10.1.1.1")), PATIENCE_MS), "not reloaded");

        assertEquals(new HostPort("10.9.9.9", 7700), before.peer());
    }

    @Test
    void closeEndsTheWatcherAndLaterChangesAreIgnored() throws IOException {
        watching(write(config("10.0.0.0/8", 7700)));
        assertTrue(source.watching());

        source.close();

        assertFalse(source.watching(), "close() returns once the watcher has ended");
        write(config("10.0.0.0/8", 7706));
        Await.sleep(A_FEW_POLLS_MS);
        assertEquals(7700, peerPortFor("10.1.1.1"));
        source.close(); // a second close is harmless
    }

    @Test
    void aSourceWithoutAFileHasNoThread() {
        assertFalse(((StaticRouteSource) Routes.of("{\"match\": [\"10.0.0.0/8\"], \"peer\": \"10.9.9.9:7700\","
                + " \"paths\": [{\"name\": \"a\"}]}")).watching());
    }
}
