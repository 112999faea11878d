package dev.mpp.runtime.demo;

import dev.mpp.api.ConfigException;
import dev.mpp.api.HostPort;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.runtime.Node;
import dev.mpp.runtime.config.ConfigLoader;
import dev.mpp.runtime.config.NodeConfig;
import dev.mpp.runtime.net.Quietly;
import dev.mpp.runtime.plugin.PluginRegistry;
import dev.mpp.runtime.plugin.Spi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A complete multipath set-up in one process, on loopback only: node A (SOCKS5 and a route), node B
 * (the peer port), a relay node (a plain SOCKS5 listener) reached over three {@link ShapedLink}s
 * of different rates and delays, and a destination serving a {@link DemoFile}. Every node is a real
 * {@link Node} built from a JSON config by the {@link ConfigLoader}, with the plugins the command found.
 *
 * <pre>
 * curl ─SOCKS5─▶ node A ─┬─ r1 (20 Mbit/s, 40 ms) ─┐
 *                        ├─ r2 (30 Mbit/s, 20 ms) ─┼─▶ relay (SOCKS5) ─▶ node B ─▶ destination (HTTP)
 *                        └─ r3 (50 Mbit/s,  5 ms) ─┘
 * </pre>
 */
public final class Demo implements AutoCloseable {
    /** One path of the route: its name, the shape of its link, and where the link listens (port 0 until started). */
    record DemoPath(String name, ShapedLink.Shape shape, InetSocketAddress link) {}

    private static final List<DemoPath> PATHS = List.of(
            new DemoPath("r1", new ShapedLink.Shape(20_000_000, Duration.ofMillis(40)), null),
            new DemoPath("r2", new ShapedLink.Shape(30_000_000, Duration.ofMillis(20)), null),
            new DemoPath("r3", new ShapedLink.Shape(50_000_000, Duration.ofMillis(5)), null));

    /**
     * What the user may choose.
     *
     * @param scheduler the route's scheduler, by name
     * @param socks     where node A's SOCKS5 listener listens; a loopback address
     * @param fileSize  the size of the file the destination serves
     */
    public record Settings(String scheduler, HostPort socks, long fileSize) {
        public static final String DEFAULT_SCHEDULER = "latency-aware";
        public static final HostPort DEFAULT_SOCKS = new HostPort("127.0.0.1", 1080);
        public static final long DEFAULT_FILE_SIZE = 100L << 20;

        /**
         * Parses {@code [--scheduler NAME] [--socks ADDRESS] [--size SIZE]}.
         *
         * @throws IllegalArgumentException saying what is wrong and what is expected
         */
        public static Settings parse(List<String> args) {
            String scheduler = DEFAULT_SCHEDULER;
            HostPort socks = DEFAULT_SOCKS;
            long size = DEFAULT_FILE_SIZE;
            for (int i = 0; i < args.size(); i += 2) {
                String option = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("demo " + option + " needs a value");
                }
                String value = args.get(i + 1);
                switch (option) {
                    case "--scheduler" -> scheduler = value;
                    case "--socks" -> socks = HostPort.parse(value);
                    case "--size" -> size = fileSize(value);
                    default -> throw new IllegalArgumentException(
                            "demo takes --scheduler NAME, --socks ADDRESS and --size SIZE, not '" + option + "'");
                }
            }
            return new Settings(scheduler, socks, size);
        }

        /** The demo hashes the whole file before it starts: a size that takes minutes to hash would look like a hang. */
        static final long MAX_FILE_SIZE = 16L << 30;

        private static long fileSize(String value) {
            long size = Units.size(value);
            if (size < 1 || size > MAX_FILE_SIZE) {
                throw new IllegalArgumentException("demo --size " + value + " (expected 1 byte to 16GiB)");
            }
            return size;
        }
    }

    private final Deque<AutoCloseable> started; // closed last first
    private final Node nodeA;
    private final FileServer destination;
    private final List<DemoPath> paths;
    private final DemoFile file;
    private final String settingsScheduler;

    private Demo(Deque<AutoCloseable> started, Node nodeA, FileServer destination, List<DemoPath> paths, DemoFile file,
                 String scheduler) {
        this.started = started;
        this.nodeA = nodeA;
        this.destination = destination;
        this.paths = paths;
        this.file = file;
        this.settingsScheduler = scheduler;
    }

    /**
     * Starts everything, node A last, so that the SOCKS port is open only once the rest is up.
     *
     * @throws ConfigException if the scheduler is unknown or the SOCKS address is not a loopback one
     * @throws IOException     if a port cannot be bound (the message names it)
     */
    public static Demo start(Settings settings, PluginRegistry plugins) throws IOException {
        // Before anything binds: an unknown name fails with the list of the known ones.
        plugins.providers(Spi.SCHEDULER, PathSchedulerProvider.class).get(settings.scheduler());
        String socksListen = loopback(settings.socks());
        ConfigLoader loader = new ConfigLoader();
        String peerKey = newPeerKey();
        Deque<AutoCloseable> started = new ArrayDeque<>();
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("mpp-demo-timers").daemon(true).factory());
        started.push(timers::shutdownNow);
        try {
            // B sends the download: it must use the chosen scheduler too, not its default.
            Node nodeB = start(started, loader.parse("""
                    {"mpp": {"listen": "127.0.0.1:0", "peerKey": "%s", "scheduler": "%s"}}"""
                    .formatted(peerKey, settings.scheduler())), plugins);
            Node relay = start(started, loader.parse("""
                    {"socks": {"listen": "127.0.0.1:0"}}"""), plugins);
            List<DemoPath> running = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            for (DemoPath path : PATHS) {
                ShapedLink link = new ShapedLink("demo-link-" + path.name(), relay.socksAddress(), path.shape(), timers);
                started.push(link);
                running.add(new DemoPath(path.name(), path.shape(), link.address()));
                paths.add("""
                        {"name": "%s", "via": ["socks5://127.0.0.1:%d"]}""".formatted(path.name(), link.address().getPort()));
            }
            DemoFile file = new DemoFile(settings.fileSize());
            FileServer destination = new FileServer(file, timers);
            started.push(destination);
            // fallback "refuse": were B unreachable, a direct download would show no path at work.
            Node nodeA = start(started, loader.parse("""
                    {"socks": {"listen": "%s"},
                     "mpp": {"peerKey": "%s"},
                     "routes": [{"match": ["127.0.0.1:%d"], "peer": "127.0.0.1:%d", "paths": [%s],
                                 "scheduler": "%s", "fallback": "refuse"}]}""".formatted(socksListen, peerKey,
                    destination.address().getPort(), nodeB.peerAddress().getPort(), String.join(", ", paths), settings.scheduler())), plugins);
            return new Demo(started, nodeA, destination, List.copyOf(running), file, settings.scheduler());
        } catch (IOException | RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    private static Node start(Deque<AutoCloseable> started, NodeConfig config, PluginRegistry plugins)
            throws IOException {
        Node node = Node.start(config, plugins);
        started.push(() -> node.close(Duration.ZERO));
        return node;
    }

    /** A fresh key for A and B each run: 32 random bytes, 43 characters. */
    private static String newPeerKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    /** The address as an IP literal for the config, if it is a loopback one: the demo is an open proxy. */
    private static String loopback(HostPort socks) {
        InetAddress address;
        try {
            address = InetAddress.getByName(socks.host());
        } catch (UnknownHostException e) {
            throw new ConfigException("--socks " + socks + ": host does not resolve");
        }
        if (!address.isLoopbackAddress()) {
            throw new ConfigException("--socks " + socks + ": not a loopback address; the demo serves this machine only "
                    + "(expected e.g. 127.0.0.1:1080)");
        }
        return new HostPort(address.getHostAddress(), socks.port()).toString();
    }

    /** Node A's SOCKS5 address, as bound. */
    public InetSocketAddress socksAddress() {
        return nodeA.socksAddress();
    }

    String url() {
        return destination.url();
    }

    DemoFile file() {
        return file;
    }

    String scheduler() {
        return settingsScheduler;
    }

    /** The route's paths, in order, with their links' addresses. */
    List<DemoPath> paths() {
        return paths;
    }

    /** Counters over node A's sessions. */
    PathTotals totals() {
        return new PathTotals(nodeA, paths.stream().map(DemoPath::name).toList());
    }

    /** Closes node A first, so no new download starts, then everything else; at once, without a grace period. */
    @Override
    public void close() {
        closeAll(started);
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        synchronized (started) {
            while (!started.isEmpty()) {
                Quietly.close(started.pop());
            }
        }
    }
}
