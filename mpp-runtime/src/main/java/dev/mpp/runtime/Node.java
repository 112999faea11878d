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
     * Checks everything that can be checked without binding sockets: plugin names, plugin options,
     * safety rules. {@code mpp check-config} runs exactly this.
     *
     * @throws ConfigException on the first problem
     */
    public static void validate(NodeConfig config, PluginRegistry plugins) {
        rejectUnimplemented(config);
        if (config.socks() != null) {
            SocksConfig socks = config.socks();
            Authenticator authenticator = authenticator(socks, plugins);
            checkOpenProxy(socks, authenticator);
            plugins.providers(Spi.INBOUND, InboundProvider.class).get("socks5");
        }
    }

    /** Validates, binds the listeners and starts serving. */
    public static Node start(NodeConfig config, PluginRegistry plugins) throws IOException {
        validate(config, plugins);
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("mpp-timers").daemon(true).factory());
        timers.setRemoveOnCancelPolicy(true);
        Listener socks = null;
        Duration grace = Duration.ZERO;
        try {
            if (config.socks() != null) {
                SocksConfig c = config.socks();
                grace = c.shutdownGrace();
                DirectOutbound outbound = new DirectOutbound(new AccessRules(c.rules()), c.connectTimeout());
                Splice relay = new Splice(c.bufferSize(), c.idleTimeout(), timers);
                Inbound inbound = plugins.providers(Spi.INBOUND, InboundProvider.class).get("socks5")
                        .create(new InboundContext(c.options(), authenticator(c, plugins), outbound, relay));
                socks = new Listener("socks", resolve(c.listen()), inbound,
                        new Listener.Limits(c.maxConnections(), c.maxConnectionsPerClient(), c.handshakeTimeout()),
                        outbound::admits, timers);
                log.info("SOCKS5 listening on {} (auth: {})", socks.address(), c.authMethod());
            }
        } catch (IOException | RuntimeException e) {
            timers.shutdownNow();
            throw e;
        }
        return new Node(timers, socks, grace);
    }

    /** The SOCKS listener's bound address, or null without one. */
    public InetSocketAddress socksAddress() {
        return socks == null ? null : socks.address();
    }

    /** Connections the SOCKS listener is serving now (0 without one): what the tests watch drain to zero. */
    public int socksOpenConnections() {
        return socks == null ? 0 : socks.openConnections();
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
        timers.shutdownNow();
        log.info("stopped");
    }

    private static Authenticator authenticator(SocksConfig socks, PluginRegistry plugins) {
        return plugins.providers(Spi.AUTHENTICATOR, AuthenticatorProvider.class).get(socks.authMethod())
                .create(socks.auth().without("method"));
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
