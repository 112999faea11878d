package dev.mpp.runtime.route;

import dev.mpp.api.ConfigException;
import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import dev.mpp.api.Route;
import dev.mpp.api.spi.RouteSource;
import dev.mpp.runtime.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The routes of the config file. {@link #lookup} reads an immutable {@link RouteTable} through a
 * volatile reference, so it never blocks and a session keeps the {@link Route} it was given. When
 * the source has a file, one virtual thread polls it and swaps in the routes of a changed file
 * that parses; a file with an error leaves the current routes in place and is reported once.
 */
public final class StaticRouteSource implements RouteSource {
    /**
     * File systems with a coarse clock can change a file twice within one modification time: a file
     * modified this shortly before it was last read is read again, and its hash says if it changed.
     */
    private static final Duration RACY = Duration.ofSeconds(2);

    private final String holderPath;
    private final String defaultPeerKey;
    private final Path file;
    private final Duration pollInterval;
    private final Consumer<String> info;
    private final Consumer<String> warn;
    private final ConfigLoader loader;
    private final Thread watcher;
    private volatile RouteTable table;
    private volatile boolean closed;
    /** What the routes' plugins say of each route (names, scheduler options); by default nothing. */
    private volatile BiConsumer<Route, Options> check = (route, source) -> {};

    // Only the watcher thread touches these after construction.
    private Seen seen;
    private String problem;
    private int missingPolls;

    /** What the file system says about the file; a new file key means the file was replaced. */
    private record Stamp(FileTime modified, long size, Object fileKey) {
        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        }
    }

    /** The file as it was last read. */
    private record Seen(Stamp stamp, byte[] sha256, Instant readAt) {}

    /** Routes that never change. */
    StaticRouteSource(RouteTable table) {
        this(table, "", null, null, null, s -> {}, s -> {});
    }

    /**
     * Routes that follow {@code file}.
     *
     * @param holderPath     the path of the options that held {@code routes}, for errors: {@code ""} at the root
     * @param defaultPeerKey the node's {@code mpp.peerKey} as given at start-up, or null
     * @param file           the config file to watch, or null not to watch
     * @param info           receives "routes reloaded" lines
     * @param warn           receives one line per problem: a reload that failed, an unreadable file
     */
    StaticRouteSource(RouteTable table, String holderPath, String defaultPeerKey, Path file, Duration pollInterval,
                      Consumer<String> info, Consumer<String> warn) {
        this.table = Objects.requireNonNull(table, "table");
        this.holderPath = holderPath;
        this.defaultPeerKey = defaultPeerKey;
        this.file = file;
        this.pollInterval = pollInterval;
        this.info = info;
        this.warn = warn;
        if (file == null) {
            this.loader = null;
            this.watcher = null;
            return;
        }
        this.loader = new ConfigLoader();
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: more than zero)");
        }
        try {
            // What the node has just loaded: only a later change is a reload.
            seen = read(Stamp.of(file)).seen();
        } catch (IOException e) {
            seen = null; // the first poll reads it, or reports why it cannot
        }
        this.watcher = Thread.ofVirtual().name("mpp-routes-watch").unstarted(this::watch);
        watcher.start();
    }

    /** The routes in force now, in file order. */
    public List<Route> routes() {
        return table.routes();
    }

    /**
     * Checks every route now, and every route of a reloaded file before it is used, with
     * {@code check}: the plugins' view (do the scheduler, arq and framing exist, does the scheduler
     * take the route's options), which the parser cannot know. A reloaded file that fails it keeps
     * the current routes, as a file with a syntax error does.
     *
     * <p>{@code check} gets each route with the config object it came from, so that what it refuses
     * can be reported with a line and column ({@link Options#error}).
     *
     * @throws ConfigException from {@code check}, for the routes in force now
     */
    public void checkRoutesWith(BiConsumer<Route, Options> check) {
        table.check(check);
        this.check = check;
    }

    @Override
    public Optional<Route> lookup(HostPort destination) {
        return table.lookup(destination);
    }

    /** Stops the watcher, waiting for it to end. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (watcher == null) {
            return;
        }
        watcher.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                watcher.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The number of routes now served. */
    int size() {
        return table.size();
    }

    /** Whether the watcher thread is running. */
    boolean watching() {
        return watcher != null && watcher.isAlive();
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(pollInterval);
            } catch (InterruptedException e) {
                return;
            }
            try {
                poll();
            } catch (RuntimeException e) {
                report("routes not reloaded from " + file + ", keeping the current " + table.size() + ": " + e);
            }
        }
    }

    /** One look at the file: reload if its content changed. Runs on the watcher thread. */
    private void poll() {
        try {
            Stamp now = Stamp.of(file);
            missingPolls = 0;
            if (seen != null && seen.stamp().equals(now) && now.modified().toInstant().isBefore(seen.readAt().minus(RACY))) {
                return;
            }
            Read read = read(now);
            if (!now.equals(Stamp.of(file))) {
                return; // still being written: the next poll reads it whole
            }
            boolean unchanged = seen != null && Arrays.equals(seen.sha256(), read.seen().sha256());
            seen = read.seen();
            problem = null;
            if (!unchanged) {
                reload(read.text());
            }
        } catch (NoSuchFileException e) {
            // An editor that replaces the file may leave it missing for a moment.
            if (++missingPolls >= 2) {
                report(file + ": no such file; keeping the current " + table.size() + " routes");
            }
        } catch (IOException e) {
            report(file + ": cannot read (" + e + "); keeping the current " + table.size() + " routes");
        }
    }

    private void reload(String text) {
        RouteTable next;
        try {
            next = RouteParser.parse(Options.of(holderPath, Map.of("routes", loader.parse(text).routes())), defaultPeerKey);
            next.check(check);
        } catch (ConfigException e) {
            report("routes not reloaded from " + file + ", keeping the current " + table.size() + ": " + e.getMessage());
            return;
        }
        table = next;
        info.accept("routes reloaded: " + next.size() + " routes");
    }

    /** Reports a problem once, not on every poll while it lasts. */
    private void report(String message) {
        if (!closed && !message.equals(problem)) {
            problem = message;
            warn.accept(message);
        }
    }

    private record Read(String text, Seen seen) {}

    private Read read(Stamp before) throws IOException {
        Instant readAt = Instant.now();
        byte[] bytes = Files.readAllBytes(file);
        Seen seen = new Seen(before, sha256(bytes), readAt);
        return new Read(new String(bytes, StandardCharsets.UTF_8), seen);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
