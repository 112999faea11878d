package dev.mpp.api.spi;

import java.time.Duration;

/**
 * The acknowledgement and retransmission policy of one session. The session keeps every packet
 * until it is acknowledged and asks the strategy when to acknowledge and when to re-send. One
 * instance per session; calls come from the session's threads under the session's lock.
 */
public interface ArqStrategy {
    /**
     * Whether the receiver should send an ACK now.
     *
     * @param unacknowledgedPackets packets received since the last ACK was sent
     * @param sinceLastAck          time since the last ACK was sent
     * @param outOfOrder            whether a gap is waiting in the reorder buffer
     */
    boolean ackNow(int unacknowledgedPackets, Duration sinceLastAck, boolean outOfOrder);

    /** The longest the receiver may hold back an ACK; the session arms a timer with it. */
    Duration maxAckDelay();

    /**
     * How long a packet may wait for its ACK on a path that still looks alive before it is re-sent
     * on another path.
     *
     * @param smoothedRttNanos the path's smoothed RTT, or -1 if unknown
     * @param rttVarNanos      the path's RTT variation, or -1 if unknown
     */
    Duration retransmitTimeout(long smoothedRttNanos, long rttVarNanos);
}
