package dev.mpp.runtime.testkit;

import dev.mpp.runtime.Node;
import dev.mpp.runtime.config.ConfigLoader;
import dev.mpp.runtime.plugin.PluginRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;

/** A node running in this JVM, started from a JSON config exactly as {@code mpp run} starts it. */
public final class RunningNode implements AutoCloseable {
    private final Node node;

    private RunningNode(Node node) {
        this.node = node;
    }

    /** Starts a node; use {@code "127.0.0.1:0"} as the listen address to get a free port. */
    public static RunningNode start(String json) {
        try {
            return new RunningNode(Node.start(new ConfigLoader().parse(json), PluginRegistry.load(null)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback SOCKS5 node without authentication and with the given extra {@code socks} members. */
    public static RunningNode socks(String extraSocksMembers) {
        String extra = extraSocksMembers.isBlank() ? "" : ", " + extraSocksMembers;
        return start("{\"socks\": {\"listen\": \"127.0.0.1:0\"" + extra + "}}");
    }

    /**
     * A loopback SOCKS5 node that asks for a user name and password (RFC 1929) and accepts only
     * {@code alice} with {@code s3cret}, with the given extra {@code socks} members.
     */
    public static RunningNode socksWithPassword(String extraSocksMembers) {
        String auth = "\"auth\": {\"method\": \"username-password\", \"users\": {\"alice\": \"s3cret\"}}";
        return socks(extraSocksMembers.isBlank() ? auth : extraSocksMembers + ", " + auth);
    }

    /** The node itself, for what it counts: sessions, their paths, open connections. */
    public Node node() {
        return node;
    }

    /** {@code 127.0.0.1:port} of the node's MPP peer port. */
    public String peerHostPort() {
        return "127.0.0.1:" + node.peerAddress().getPort();
    }

    public InetSocketAddress socksAddress() {
        return node.socksAddress();
    }

    /** Connections the node's SOCKS listener is serving now. */
    public int openConnections() {
        return node.socksOpenConnections() + node.peerOpenConnections();
    }

    /** The JDK's own SOCKS client, pointed at this node. */
    public Proxy proxy() {
        return new Proxy(Proxy.Type.SOCKS, socksAddress());
    }

    /** {@code 127.0.0.1:port}, for curl and ncat. */
    public String socksHostPort() {
        return "127.0.0.1:" + socksAddress().getPort();
    }

    /** Stops accepting, lets open connections drain for the configured {@code shutdownGrace}, then closes them. */
    public void closeGracefully() {
        node.close();
    }

    /** Closes at once, whatever is still open. */
    @Override
    public String toString() {
        return node.toString();
    }

    @Override
    public void close() {
        node.close(Duration.ZERO);
    }
}
