package dev.mpp.runtime;

import dev.mpp.api.ConfigException;
import dev.mpp.api.HostPort;
import dev.mpp.api.spi.ArqStrategyProvider;
import dev.mpp.api.spi.Authenticator;
import dev.mpp.api.spi.AuthenticatorProvider;
import dev.mpp.api.spi.FrameCodecProvider;
import dev.mpp.api.spi.Inbound;
import dev.mpp.api.spi.InboundContext;
import dev.mpp.api.spi.InboundProvider;
import dev.mpp.api.spi.Outbound;
import dev.mpp.api.spi.PathConnectorProvider;
import dev.mpp.api.spi.PathSchedulerProvider;
import dev.mpp.api.spi.PeerAuthenticatorProvider;
import dev.mpp.api.spi.RouteSource;
import dev.mpp.api.spi.RouteSourceProvider;
import dev.mpp.runtime.config.MppConfig;
import dev.mpp.runtime.config.NodeConfig;
import dev.mpp.runtime.config.SocksConfig;
import dev.mpp.runtime.net.AccessRules;
import dev.mpp.runtime.net.DirectOutbound;
import dev.mpp.runtime.net.Listener;
import dev.mpp.runtime.net.Splice;
import dev.mpp.runtime.plugin.PluginRegistry;
import dev.mpp.runtime.plugin.Spi;
import dev.mpp.runtime.route.StaticRouteSource;
import dev.mpp.runtime.route.StaticRouteSourceProvider;
import dev.mpp.runtime.session.MultipathOutbound;
import dev.mpp.runtime.session.Session;
import dev.mpp.runtime.session.SessionAcceptor;
import dev.mpp.runtime.session.SessionOpener;
import dev.mpp.runtime.session.SessionPlugins;
import dev.mpp.runtime.session.SessionRegistry;
import dev.mpp.runtime.session.SessionSettings;
import dev.mpp.runtime.session.SessionSummary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running MPP node: its listeners and sessions, built from a config and the discovered plugins. */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final ScheduledThreadPoolExecutor timers;
    private final Listener socks;
    private final Listener peers;
    private final Services services;
    private final Duration shutdownGrace;

    private Node(ScheduledThreadPoolExecutor timers, Listener socks, Listener peers, Services services, Duration shutdownGrace) {
        this.timers = timers;
        this.socks = socks;
        this.peers = peers;
        this.services = services;
        this.shutdownGrace = shutdownGrace;
    }

    /**
     * Checks everything that can be checked without binding sockets: that there is something to
     * run, plugin names, plugin options, routes, safety rules. {@code mpp check-config} runs exactly this.
     *
     * @throws ConfigException on the first problem
     */
    public static void validate(NodeConfig config, PluginRegistry plugins) {
        ScheduledThreadPoolExecutor timers = newTimers();
        try {
            prepare(config, plugins, timers, null).close();
        } finally {
            timers.shutdownNow();
        }
    }

    /** Validates, binds the listeners and starts serving. */
    public static Node start(NodeConfig config, PluginRegistry plugins) throws IOException {
        return start(config, plugins, null);
    }

    /**
     * Validates, binds the listeners and starts serving.
     *
     * @param configFile the file the config came from, watched for changes to its routes; null for none
     */
    public static Node start(NodeConfig config, PluginRegistry plugins, Path configFile) throws IOException {
        ScheduledThreadPoolExecutor timers = newTimers();
        Services services = null;
        Listener socks = null;
        try {
            services = prepare(config, plugins, timers, configFile);
            SocksConfig c = config.socks();
            if (c != null) {
                warnIfBuffersExceedTheHeap(c);
                socks = new Listener("socks", resolve(c.listen()), services.socksInbound(),
                        new Listener.Limits(c.maxConnections(), c.maxConnectionsPerClient(), c.handshakeTimeout()),
                        services.outbound()::admits, timers);
                log.info("SOCKS5 listening on {} (auth: {})", socks.address(), c.authMethod());
            }
            Listener peers = null;
            if (services.acceptor() != null) {
                MppConfig m = config.mpp();
                peers = new Listener("mpp", resolve(m.listen()), services.acceptor(),
                        new Listener.Limits(m.maxConnections(), m.maxConnections(), m.handshakeTimeout()), a -> true, timers);
                log.info("MPP peer port listening on {}", peers.address());
            }
            return new Node(timers, socks, peers, services, c != null ? c.shutdownGrace() : Duration.ofSeconds(10));
        } catch (IOException | RuntimeException e) {
            if (socks != null) {
                socks.close();
            }
            if (services != null) {
                services.close();
            }
            timers.shutdownNow();
            throw e;
        }
    }

    /**
     * Everything but the sockets: what {@link #validate} checks and {@link #start} runs.
     *
     * @param socksInbound null without a SOCKS listener
     * @param outbound     the SOCKS side's way out (direct, or by route); null without a SOCKS listener
     * @param acceptor     the peer port's inbound; null without one
     * @param routes       null without routes
     */
    private record Services(Inbound socksInbound, Outbound outbound, SessionOpener opener, SessionAcceptor acceptor,
                            RouteSource routes, SessionRegistry sessions) implements AutoCloseable {
        @Override
        public void close() {
            if (routes != null) {
                routes.close();
            }
            if (opener != null) {
                opener.close();
            }
        }
    }

    private static Services prepare(NodeConfig config, PluginRegistry plugins, ScheduledExecutorService timers,
                                    Path configFile) {
        rejectUnimplemented(config);
        plugins.requireDistinctNames();
        MppConfig mpp = config.mpp() != null ? config.mpp() : MppConfig.defaults();
        boolean peerPort = mpp.listen() != null;
        if (config.socks() == null && !peerPort) {
            throw new ConfigException("nothing to run: the config has no listener (expected \"socks\": {...} or "
                    + "\"mpp\": {\"listen\": ...})");
        }
        SessionRegistry sessions = new SessionRegistry();
        AtomicLong relayBudget = new AtomicLong(relayGrowthBudget()); // one budget for the SOCKS and the peer side
        SessionSettings settings = SessionSettings.of(mpp);
        SessionPlugins sessionPlugins = peerPort || !config.routes().isEmpty() ? sessionPlugins(plugins, mpp) : null;
        RouteSource routes = config.routes().isEmpty() ? null : routes(config, plugins, sessionPlugins, configFile);
        try {
            Inbound socksInbound = null;
            Outbound outbound = null;
            SessionOpener opener = null;
            SocksConfig c = config.socks();
            if (c != null) {
                Authenticator authenticator = plugins.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class)
                        .get(c.authMethod()).create(c.auth().without("method"));
                checkOpenProxy(c, authenticator);
                DirectOutbound direct = new DirectOutbound(new AccessRules(c.rules()), c.connectTimeout());
                opener = routes == null ? null : new SessionOpener(sessionPlugins, settings, timers, sessions);
                outbound = routes == null ? direct : new MultipathOutbound(routes, opener, direct);
                socksInbound = plugins.providers(Spi.INBOUND, InboundProvider.class).get("socks5").create(new InboundContext(
                        c.options(), authenticator, outbound, new Splice(c.bufferSize(), relayBudget, c.idleTimeout(), timers),
                        c.idleTimeout()));
            } else if (routes != null) {
                log.warn("routes are used by the SOCKS listener, and this config has none");
            }
            SessionAcceptor acceptor = null;
            if (peerPort) {
                DirectOutbound destinations = new DirectOutbound(new AccessRules(mpp.rules()), mpp.connectTimeout());
                acceptor = new SessionAcceptor(sessionPlugins, settings, mpp.peerKey(), destinations,
                        new Splice(1024 * 1024, relayBudget, mpp.idleTimeout(), timers), timers, sessions,
                        mpp.maxSessions(), mpp.scheduler(), mpp.arq());
            }
            return new Services(socksInbound, outbound, opener, acceptor, routes, sessions);
        } catch (RuntimeException e) {
            if (routes != null) {
                routes.close();
            }
            throw e;
        }
    }

    private static SessionPlugins sessionPlugins(PluginRegistry plugins, MppConfig mpp) {
        SessionPlugins p = new SessionPlugins(
                plugins.providers(Spi.FRAMING, FrameCodecProvider.class),
                plugins.providers(Spi.PATH_CONNECTOR, PathConnectorProvider.class),
                plugins.providers(Spi.SCHEDULER, PathSchedulerProvider.class),
                plugins.providers(Spi.ARQ, ArqStrategyProvider.class),
                plugins.providers(Spi.PEER_AUTHENTICATOR, PeerAuthenticatorProvider.class),
                mpp.packetSize());
        p.scheduler(mpp.scheduler());
        p.arq(mpp.arq());
        return p;
    }

    /** The {@code static} route source over the config's routes; every route is checked against the plugins, reloads too. */
    private static RouteSource routes(NodeConfig config, PluginRegistry plugins, SessionPlugins sessionPlugins,
                                      Path configFile) {
        String peerKey = config.mpp() != null ? config.mpp().peerKey() : null;
        RouteSource source = plugins.providers(Spi.ROUTE_SOURCE, RouteSourceProvider.class).get("static")
                .create(StaticRouteSourceProvider.options(config.routes(), peerKey, configFile));
        try {
            if (source instanceof StaticRouteSource s) {
                s.checkRoutesWith(sessionPlugins::check);
            }
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        return source;
    }

    private static ScheduledThreadPoolExecutor newTimers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("mpp-timers").daemon(true).factory());
        timers.setRemoveOnCancelPolicy(true);
        timers.prestartAllCoreThreads(); // its one thread belongs to the node from the start, not to its first task
        return timers;
    }

    /**
     * How much all relay buffers together may grow beyond their first size: half the heap's size, so
     * the JVM's memory setting (-Xmx) also bounds the relay's. Most of it is direct memory outside the
     * heap; a buffer that finds the budget spent keeps its size, which only costs speed.
     */
    private static long relayGrowthBudget() {
        return Runtime.getRuntime().maxMemory() / 2;
    }

    /**
     * Every relayed connection holds two buffers of at least {@link Splice#FIRST_BUFFER_SIZE} (growth
     * beyond that is bounded by {@link #relayGrowthBudget()}); say so if the limits allow more of
     * those than half the heap.
     */
    private static void warnIfBuffersExceedTheHeap(SocksConfig c) {
        long firstBuffers = 2L * Math.min(Splice.FIRST_BUFFER_SIZE, c.bufferSize()) * c.maxConnections();
        if (firstBuffers > Runtime.getRuntime().maxMemory() / 2) {
            log.warn("maxConnections {} x 2 x {} KiB = {} MiB of relay buffers, more than half of the {} MiB heap: "
                            + "lower maxConnections or give the JVM more memory (MPP_JAVA_OPTS=-Xmx...)", c.maxConnections(),
                    Math.min(Splice.FIRST_BUFFER_SIZE, c.bufferSize()) >> 10, firstBuffers >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    /** The SOCKS listener's bound address. */
    public InetSocketAddress socksAddress() {
        return socks.address();
    }

    /** The peer port's bound address. */
    public InetSocketAddress peerAddress() {
        return peers.address();
    }

    /** Connections the SOCKS listener is serving now : what the tests watch drain to zero. */
    public int socksOpenConnections() {
        return socks == null ? 0 : socks.openConnections();
    }

    /** Connections the peer port is serving now (paths and handshakes). */
    public int peerOpenConnections() {
        return peers == null ? 0 : peers.openConnections();
    }

    /** The sessions open now, opened here or accepted here. */
    public List<Session> sessions() {
        return services.sessions().sessions();
    }

    /** The last sessions that ended here, newest first. */
    public List<SessionSummary> endedSessions() {
        return services.sessions().ended();
    }

    /** Stops accepting, lets connections drain for the configured grace period, then closes them. */
    @Override
    public void close() {
        close(shutdownGrace);
    }

    public void close(Duration grace) {
        if (socks != null) {
            socks.close(grace);
        }
        if (peers != null) {
            services.acceptor().closeParked(); // idle between sessions: nothing to drain
            peers.close(grace);
        }
        services.close();
        timers.shutdownNow();
        log.info("stopped");
    }

    @Override
    public String toString() {
        return "node (SOCKS " + (socks == null ? "none" : socks.address()) + ", peer port "
                + (peers == null ? "none" : peers.address()) + ")";
    }

    /** An open proxy on a reachable address is how abuse starts: require authentication or an explicit opt-in. */
    private static void checkOpenProxy(SocksConfig socks, Authenticator authenticator) {
        if (authenticator.method() != 0x00 || socks.allowOpenProxy()) {
            return;
        }
        InetAddress address = resolve(socks.listen()).getAddress();
        if (!address.isLoopbackAddress()) {
            throw new ConfigException("socks.listen: " + socks.listen() + " is not a loopback address and socks.auth is "
                    + "'none'; configure authentication, or set \"allowOpenProxy\": true in socks to serve everyone");
        }
    }

    private static void rejectUnimplemented(NodeConfig config) {
        if (config.admin() != null) {
            throw new ConfigException("admin is not supported by this version yet; remove that section");
        }
    }

    private static InetSocketAddress resolve(HostPort address) {
        try {
            return new InetSocketAddress(InetAddress.getByName(address.host()), address.port());
        } catch (UnknownHostException e) {
            throw new ConfigException("listen address " + address + ": host does not resolve");
        }
    }
}
