package dev.mpp.runtime.session;

import dev.mpp.api.frame.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The sending half of one direction of a session (docs/mpp-protocol.md, section 9.1): numbers
 * packets, keeps each until it is acknowledged, and never has more outstanding than both the
 * peer's credit and its own {@code capacity} allow. Pure state under the session's lock.
 */
final class SendHalf {
    private final int capacity;
    private final Packet[] ring;
    private final int mask;
    private long next;
    private long acked;
    private long peerWindow;
    private boolean finQueued;

    SendHalf(int capacity, long initialPeerWindow) {
        this.capacity = capacity;
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.ring = new Packet[size];
        this.mask = size - 1;
        this.peerWindow = initialPeerWindow;
    }

    /** Whether a new packet may be numbered now: the peer granted it and the retransmission queue has room. */
    boolean hasCredit() {
        return Long.compareUnsigned(next, peerWindow) < 0 && next - acked < capacity;
    }

    /** Numbers a new packet; {@code payload == null} makes the FIN. Call only with {@link #hasCredit()}. */
    Packet add(byte[] payload) {
        if (!hasCredit()) {
            throw new IllegalStateException("no credit");
        }
        if (next == -2L) { // 2^64 - 2: the last number the protocol allows (section 2)
            throw new IllegalStateException("sequence space exhausted");
        }
        Packet p = new Packet(next++, payload);
        ring[(int) p.seq & mask] = p;
        if (payload == null) {
            finQueued = true;
        }
        return p;
    }

    boolean finQueued() {
        return finQueued;
    }

    /** Whether every packet, the FIN included, has been acknowledged. */
    boolean finAcknowledged() {
        return finQueued && acked == next;
    }

    /** The oldest packet not yet acknowledged: the one the peer's reorder buffer waits for; null if none. */
    Packet oldest() {
        return acked == next ? null : ring[(int) acked & mask];
    }

    /** Packets sent and not yet acknowledged. */
    int outstanding() {
        return (int) (next - acked);
    }

    long next() {
        return next;
    }

    /** Payload bytes kept for re-sending. */
    long heldBytes() {
        long n = 0;
        for (Packet p : ring) {
            n += p == null || p.payload == null ? 0 : p.payload.length;
        }
        return n;
    }

    /** The packets not yet acknowledged, in sequence order. */
    List<Packet> unacknowledged() {
        List<Packet> out = new ArrayList<>();
        for (long s = acked; s != next; s++) {
            Packet p = ring[(int) s & mask];
            if (!p.acked) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Applies an ACK; {@code onAcked} sees each packet it acknowledges for the first time.
     *
     * @return null if the ACK is well formed, else what is wrong with it (a protocol error)
     */
    String apply(Frame.Ack ack, Consumer<Packet> onAcked) {
        long cumulative = ack.cumulative();
        if (Long.compareUnsigned(cumulative, next) > 0) {
            return "ACK cumulative " + Long.toUnsignedString(cumulative) + " beyond the packets sent ("
                    + Long.toUnsignedString(next) + ")";
        }
        long lowestAllowed = cumulative + 1; // ranges lie above cumulative, ascending, with a gap between them
        for (Frame.SeqRange r : ack.ranges()) {
            if (Long.compareUnsigned(r.first(), lowestAllowed) < 0) {
                return "ACK ranges not ascending, disjoint and above cumulative";
            }
            if (Long.compareUnsigned(r.last(), next) >= 0) {
                return "ACK range beyond the packets sent";
            }
            lowestAllowed = r.last() + 2;
        }
        if (Long.compareUnsigned(ack.window(), cumulative) < 0) {
            return "ACK window below cumulative";
        }
        if (Long.compareUnsigned(ack.window(), peerWindow) > 0) {
            peerWindow = ack.window();
        }
        if (Long.compareUnsigned(cumulative, acked) > 0) {
            for (long s = acked; s != cumulative; s++) {
                markAcked(s, onAcked);
                ring[(int) s & mask] = null;
            }
            acked = cumulative;
        }
        for (Frame.SeqRange r : ack.ranges()) {
            for (long s = Math.max(r.first(), acked); Long.compareUnsigned(s, r.last()) <= 0; s++) {
                markAcked(s, onAcked);
            }
        }
        // Packets acknowledged by ranges leave once the cumulative point passes them.
        while (acked != next && ring[(int) acked & mask].acked) {
            ring[(int) acked & mask] = null;
            acked++;
        }
        return null;
    }

    private void markAcked(long seq, Consumer<Packet> onAcked) {
        Packet p = ring[(int) seq & mask];
        if (p != null && !p.acked) {
            p.acked = true;
            onAcked.accept(p);
        }
    }
}
