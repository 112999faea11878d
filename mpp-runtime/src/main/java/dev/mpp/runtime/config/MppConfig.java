package dev.mpp.runtime.config;

import dev.mpp.api.HostPort;
import java.time.Duration;
import java.util.List;

/**
 * The node's multipath side: the peer port it serves (if {@code listen} is set) and the settings of
 * every session, those it accepts and those its routes open. Every member has a default but
 * {@code listen} and {@code peerKey}; a node that only opens sessions may leave out {@code listen}.
 *
 * @param listen             the peer port, or null for a node that accepts no paths
 * @param peerKey            the key shared with peers (at least 32 characters); routes use it unless they name their own
 * @param packetSize         the largest DATA payload sent and accepted, in bytes; default 64 KiB. Must not exceed the peer's
 * @param sessionBuffer      bytes a session may hold for each direction: the receive window (also the reorder
 *                           bound) and the unacknowledged data kept for re-sending; default 8 MiB
 * @param pathTimeout        a path that receives nothing for this long has failed; default 10s
 * @param keepalive          how often an idle path sends PING; default 2s
 * @param keepPaths          how long a path whose session ended stays open, idle, for the next session on the same
 *                           path; {@code 0s} closes paths with their session; default 60s
 * @param sessionDeadline    a session with no path up for this long is reset; default 30s
 * @param reconnectBackoff   the first wait before a failed path is re-opened, doubling each time; default 1s
 * @param reconnectBackoffMax the longest wait between re-opening attempts; default 30s
 * @param maxPathsPerSession paths one session may have at the peer port; default 8
 * @param maxSessions        sessions the peer port serves at once; default 1024
 * @param maxConnections     TCP connections the peer port accepts at once (paths and handshakes); default 4096
 * @param handshakeTimeout   a new path's deadline for its preface and OPEN or JOIN; default 10s
 * @param connectTimeout     for opening a session (opener) and for connecting to its destination (peer); default 10s
 * @param idleTimeout        a session with no bytes either way for this long is closed; default 5m
 * @param rules              which destinations sessions accepted here may reach; none means all
 * @param scheduler          the scheduler for what this node sends on sessions it accepts; default latency-aware
 * @param arq                the ARQ strategy of sessions it accepts; default selective-repeat
 */
public record MppConfig(HostPort listen, String peerKey, Integer packetSize, Integer sessionBuffer, Duration pathTimeout,
                        Duration keepalive, Duration keepPaths, Duration sessionDeadline, Duration reconnectBackoff,
                        Duration reconnectBackoffMax, Integer maxPathsPerSession, Integer maxSessions,
                        Integer maxConnections, Duration handshakeTimeout, Duration connectTimeout, Duration idleTimeout,
                        List<AccessRule> rules, String scheduler, String arq) {
    public MppConfig {
        if (peerKey != null && peerKey.length() < 32) {
            throw new FieldException("peerKey", peerKey.length() + " characters (expected: at least 32)");
        }
        if (listen != null && peerKey == null) {
            throw new FieldException("listen", "a peer port needs \"peerKey\" (at least 32 characters) in mpp");
        }
        packetSize = within("packetSize", packetSize, 64 * 1024, 1024, 1024 * 1024);
        sessionBuffer = within("sessionBuffer", sessionBuffer, 8 * 1024 * 1024, 4 * packetSize, 1 << 30);
        pathTimeout = ValueParsers.positive("pathTimeout", pathTimeout, Duration.ofSeconds(10));
        keepalive = ValueParsers.positive("keepalive", keepalive, Duration.ofSeconds(2));
        if (keepalive.compareTo(pathTimeout) >= 0) {
            throw new FieldException("keepalive", ValueParsers.show(keepalive) + " (expected: less than pathTimeout "
                    + ValueParsers.show(pathTimeout) + ", or live paths would time out)");
        }
        keepPaths = ValueParsers.nonNegative("keepPaths", keepPaths, Duration.ofSeconds(60));
        sessionDeadline = ValueParsers.positive("sessionDeadline", sessionDeadline, Duration.ofSeconds(30));
        reconnectBackoff = ValueParsers.positive("reconnectBackoff", reconnectBackoff, Duration.ofSeconds(1));
        reconnectBackoffMax = ValueParsers.positive("reconnectBackoffMax", reconnectBackoffMax, Duration.ofSeconds(30));
        if (reconnectBackoffMax.compareTo(reconnectBackoff) < 0) {
            throw new FieldException("reconnectBackoffMax", ValueParsers.show(reconnectBackoffMax)
                    + " (expected: at least reconnectBackoff " + ValueParsers.show(reconnectBackoff) + ")");
        }
        maxPathsPerSession = within("maxPathsPerSession", maxPathsPerSession, 8, 1, 1024);
        maxSessions = within("maxSessions", maxSessions, 1024, 1, 1 << 20);
        maxConnections = within("maxConnections", maxConnections, 4096, 1, 1 << 20);
        handshakeTimeout = ValueParsers.positive("handshakeTimeout", handshakeTimeout, Duration.ofSeconds(10));
        connectTimeout = ValueParsers.positive("connectTimeout", connectTimeout, Duration.ofSeconds(10));
        idleTimeout = ValueParsers.positive("idleTimeout", idleTimeout, Duration.ofMinutes(5));
        rules = rules == null ? List.of() : List.copyOf(rules);
        scheduler = scheduler == null ? "latency-aware" : scheduler;
        arq = arq == null ? "selective-repeat" : arq;
    }

    /** Every default, no peer port, no key: what a node without an {@code mpp} section uses for its routes. */
    public static MppConfig defaults() {
        return new MppConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }


    static int within(String field, Integer value, int defaultValue, int min, int max) {
        if (value == null) {
            return defaultValue;
        }
        if (value < min || value > max) {
            throw new FieldException(field, value + " (expected: " + min + " to " + max + ")");
        }
        return value;
    }
}
