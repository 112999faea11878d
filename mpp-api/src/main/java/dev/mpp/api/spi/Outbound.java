package dev.mpp.api.spi;

import dev.mpp.api.ConnectException;
import dev.mpp.api.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The runtime's way out, handed to inbounds: access rules, routing (direct or multipath) and
 * connect timeouts live behind it. Thread-safe.
 */
public interface Outbound {
    /**
     * Opens a stream to {@code destination} on behalf of {@code client}, following the configured
     * route, within the connect timeout.
     *
     * @throws ConnectException with the real reason: refused by a rule, unresolvable, refused, …
     */
    Upstream connect(InetSocketAddress client, HostPort destination) throws ConnectException;

    /**
     * Resolves {@code destination} and checks the access rules for traffic from {@code client}
     * to it, for requests that open no stream (BIND, UDP datagrams).
     *
     * @return the resolved address
     * @throws ConnectException {@code NOT_ALLOWED} if a rule refuses it, {@code HOST_UNREACHABLE}
     *         if the name does not resolve
     */
    InetSocketAddress permit(InetSocketAddress client, HostPort destination) throws ConnectException;

    /** Whether {@code client} may use this node at all (client CIDR rules). */
    boolean admits(InetAddress client);
}
