package dev.mpp.runtime.session;

import dev.mpp.runtime.config.MppConfig;
import java.time.Duration;

/**
 * What a session needs to know from the configuration; see {@link MppConfig} for each member's meaning.
 *
 * @param bufferPackets the packets a direction may hold: the credit this node grants (its reorder
 *                      bound) and the most it keeps unacknowledged
 */
public record SessionSettings(int packetSize, int bufferPackets, Duration pathTimeout, Duration keepalive, Duration keepPaths,
                              Duration sessionDeadline, Duration reconnectBackoff, Duration reconnectBackoffMax,
                              int maxPathsPerSession, Duration connectTimeout, Duration handshakeTimeout) {
    public static SessionSettings of(MppConfig c) {
        return new SessionSettings(c.packetSize(), c.sessionBuffer() / c.packetSize(), c.pathTimeout(), c.keepalive(), c.keepPaths(),
                c.sessionDeadline(), c.reconnectBackoff(), c.reconnectBackoffMax(), c.maxPathsPerSession(),
                c.connectTimeout(), c.handshakeTimeout());
    }
}
