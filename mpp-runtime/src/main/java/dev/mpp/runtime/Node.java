package dev.mpp.runtime;

import dev.mpp.api.ConfigException;
import dev.mpp.api.HostPort;
import dev.mpp.api.spi.Authenticator;
import dev.mpp.api.spi.AuthenticatorProvider;
import dev.mpp.api.spi.Inbound;
import dev.mpp.api.spi.InboundContext;
import dev.mpp.api.spi.InboundProvider;
import dev.mpp.runtime.config.NodeConfig;
import dev.mpp.runtime.config.SocksConfig;
import dev.mpp.runtime.net.AccessRules;
import dev.mpp.runtime.net.DirectOutbound;
import dev.mpp.runtime.net.Listener;
import dev.mpp.runtime.net.Splice;
import dev.mpp.runtime.plugin.PluginRegistry;
import dev.mpp.runtime.plugin.Spi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running MPP node: its listeners, built from a config and the discovered plugins. */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final ScheduledThreadPoolExecutor timers;
    private final Listener socks;
    private final Duration shutdownGrace;

    private Node(ScheduledThreadPoolExecutor timers, Listener socks, Duration shutdownGrace) {
        this.timers = timers;
        this.socks = socks;
        this.shutdownGrace = shutdownGrace;
    }

    /**
     * Checks everything that can be checked without binding sockets: that there is something to
     * run, plugin names, plugin options, safety rules. {@code mpp check-config} runs exactly this.
     *
     * @throws ConfigException on the first problem
     */
    public static void validate(NodeConfig config, PluginRegistry plugins) {
        ScheduledThreadPoolExecutor timers = newTimers();
        try {
            prepareSocks(config, plugins, timers);
        } finally {
            timers.shutdownNow();
        }
    }

    /** Validates, binds the listeners and starts serving. */
    public static Node start(NodeConfig config, PluginRegistry plugins) throws IOException {
        ScheduledThreadPoolExecutor timers = newTimers();
        try {
            SocksConfig c = config.socks();
            SocksService service = prepareSocks(config, plugins, timers);
            warnIfBuffersExceedTheHeap(c);
            Listener socks = new Listener("socks", resolve(c.listen()), service.inbound(),
                    new Listener.Limits(c.maxConnections(), c.maxConnectionsPerClient(), c.handshakeTimeout()),
                    service.outbound()::admits, timers);
            log.info("SOCKS5 listening on {} (auth: {})", socks.address(), c.authMethod());
            return new Node(timers, socks, c.shutdownGrace());
        } catch (IOException | RuntimeException e) {
            timers.shutdownNow();
            throw e;
        }
    }

    /** The SOCKS listener's inbound and the outbound whose rules also decide who may connect. */
    private record SocksService(Inbound inbound, DirectOutbound outbound) {}

    /** Everything for the SOCKS listener but its socket: what {@link #validate} checks and {@link #start} runs. */
    private static SocksService prepareSocks(NodeConfig config, PluginRegistry plugins, ScheduledExecutorService timers) {
        rejectUnimplemented(config);
        SocksConfig c = config.socks();
        if (c == null) {
            throw new ConfigException("nothing to run: the config has no listener (expected \"socks\": {...})");
        }
        Authenticator authenticator = plugins.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class)
                .get(c.authMethod()).create(c.auth().without("method"));
        checkOpenProxy(c, authenticator);
        DirectOutbound outbound = new DirectOutbound(new AccessRules(c.rules()), c.connectTimeout());
        Inbound inbound = plugins.providers(Spi.INBOUND, InboundProvider.class).get("socks5").create(new InboundContext(
                c.options(), authenticator, outbound, new Splice(c.bufferSize(), relayGrowthBudget(), c.idleTimeout(), timers), c.idleTimeout()));
        return new SocksService(inbound, outbound);
    }

    private static ScheduledThreadPoolExecutor newTimers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("mpp-timers").daemon(true).factory());
        timers.setRemoveOnCancelPolicy(true);
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

    /** Connections the SOCKS listener is serving now : what the tests watch drain to zero. */
    public int socksOpenConnections() {
        return socks.openConnections();
    }

    /** Stops accepting, lets connections drain for the configured grace period, then closes them. */
    @Override
    public void close() {
        close(shutdownGrace);
    }

    public void close(Duration grace) {
        socks.close(grace);
        timers.shutdownNow();
        log.info("stopped");
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
        if (config.mpp() != null || config.admin() != null || !config.routes().isEmpty()) {
            throw new ConfigException("mpp, admin and routes are not supported by this version yet: "
                    + "it is a standalone SOCKS5 server; remove those sections");
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
