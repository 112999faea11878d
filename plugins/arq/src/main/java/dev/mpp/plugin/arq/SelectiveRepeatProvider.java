package dev.mpp.plugin.arq;

import dev.mpp.api.Options;
import dev.mpp.api.spi.ArqStrategy;
import dev.mpp.api.spi.ArqStrategyProvider;
import java.time.Duration;
import java.util.Set;

/**
 * {@code selective-repeat} (docs/mpp-protocol.md, section 9): acknowledge every
 * {@code ackEvery} packets, at once when a packet arrives out of order, and at the latest after
 * {@code maxAckDelay}; re-send a packet that has waited max(minRetransmitTimeout, SRTT + 4 RTTVAR).
 *
 * <p>Options: {@code ackEvery} (default 16), {@code maxAckDelayMillis} (default 10),
 * {@code minRetransmitTimeoutMillis} (default 1000).
 */
public final class SelectiveRepeatProvider implements ArqStrategyProvider {
    @Override
    public String name() {
        return "selective-repeat";
    }

    @Override
    public String description() {
        return "cumulative + range ACKs; re-send what a failed or stalled path held";
    }

    @Override
    public ArqStrategy create(Options options) {
        options.requireOnly(Set.of("ackEvery", "maxAckDelayMillis", "minRetransmitTimeoutMillis"));
        int ackEvery = (int) options.integer("ackEvery", 16, 1, 1024);
        Duration maxAckDelay = Duration.ofMillis(options.integer("maxAckDelayMillis", 10, 1, 1000));
        Duration minRto = Duration.ofMillis(options.integer("minRetransmitTimeoutMillis", 1000, 10, 600_000));
        return new SelectiveRepeat(ackEvery, maxAckDelay, minRto);
    }

    record SelectiveRepeat(int ackEvery, Duration maxAckDelay, Duration minRetransmitTimeout) implements ArqStrategy {
        @Override
        public boolean ackNow(int unacknowledgedPackets, Duration sinceLastAck, boolean outOfOrder) {
            return outOfOrder || unacknowledgedPackets >= ackEvery || sinceLastAck.compareTo(maxAckDelay) >= 0;
        }

        @Override
        public Duration retransmitTimeout(long smoothedRttNanos, long rttVarNanos) {
            if (smoothedRttNanos < 0) {
                return minRetransmitTimeout;
            }
            long rto = smoothedRttNanos + 4 * Math.max(rttVarNanos, 0);
            return rto > minRetransmitTimeout.toNanos() ? Duration.ofNanos(rto) : minRetransmitTimeout;
        }
    }
}
