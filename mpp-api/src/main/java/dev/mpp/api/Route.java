package dev.mpp.api;

import java.util.List;
import java.util.Objects;

/**
 * A multipath route: which peer MPP node to reach, over which paths, with which policies.
 *
 * @param peer      the peer's MPP listener
 * @param peerKey   the key shared with the peer, at least 32 bytes
 * @param paths     one or more paths, each opened independently
 * @param scheduler the {@code PathScheduler} provider's name
 * @param schedulerOptions the route-level options for that scheduler ({@code "scheduler": {"name": ..., ...}});
 *                  empty when the route names the scheduler alone
 * @param arq       the {@code ArqStrategy} provider's name
 * @param framing   the {@code FrameCodec} provider's name used for data
 * @param fallback  what to do when the peer cannot be used
 */
public record Route(HostPort peer, byte[] peerKey, List<Path> paths, String scheduler, Options schedulerOptions,
                    String arq, String framing, Fallback fallback) {
    public Route {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(peerKey, "peerKey");
        if (peerKey.length < 32) {
            throw new IllegalArgumentException("peerKey: " + peerKey.length + " bytes (expected: at least 32)");
        }
        peerKey = peerKey.clone();
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("paths: empty (expected: at least one path)");
        }
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(schedulerOptions, "schedulerOptions");
        Objects.requireNonNull(arq, "arq");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(fallback, "fallback");
    }

    /** A route whose scheduler has no route-level options. */
    public Route(HostPort peer, byte[] peerKey, List<Path> paths, String scheduler, String arq, String framing,
                 Fallback fallback) {
        this(peer, peerKey, paths, scheduler, Options.empty("scheduler"), arq, framing, fallback);
    }

    @Override
    public byte[] peerKey() {
        return peerKey.clone();
    }

    /** What a route does when the peer refuses or cannot be reached. */
    public enum Fallback {
        /** Connect to the destination directly, as if there were no route. */
        DIRECT,
        /** Fail the client's request with the peer's error. */
        REFUSE
    }

    /**
     * One path of a route.
     *
     * @param name   a name for logs and metrics
     * @param via    SOCKS5 relays to chain through, first hop first; empty for a direct path
     * @param weight relative share for weighted schedulers, at least 1
     * @param peer    the peer address this path connects to (a peer may have one address per network)
     * @param options free-form options for the route's scheduler, e.g. a {@code cost}; the scheduler's
     *                provider checks them when the route is loaded, and reads them as {@code PathView.options()}
     */
    public record Path(String name, List<RelayHop> via, int weight, HostPort peer, Options options) {
        public Path {
            Objects.requireNonNull(name, "name");
            via = List.copyOf(via);
            if (weight < 1) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: at least 1)");
            }
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(options, "options");
        }

        /** A path without scheduler options. */
        public Path(String name, List<RelayHop> via, int weight, HostPort peer) {
            this(name, via, weight, peer, Options.empty("options"));
        }
    }

    /**
     * One SOCKS5 relay of a chain, from {@code socks5://[user:pass@]host:port}.
     *
     * @param address  the relay's address
     * @param user     RFC 1929 user name, or null for no authentication
     * @param password RFC 1929 password, or null
     */
    public record RelayHop(HostPort address, String user, String password) {
        public RelayHop {
            Objects.requireNonNull(address, "address");
            if ((user == null) != (password == null)) {
                throw new IllegalArgumentException("user and password: give both or neither");
            }
        }

        @Override
        public String toString() {
            return "socks5://" + (user == null ? "" : user + ":***@") + address;
        }
    }
}
