package dev.mpp.runtime.session;

import dev.mpp.api.frame.Frame;
import java.util.List;

/**
 * One sent packet, kept until the peer acknowledges it: DATA with its payload, or the FIN.
 * Mutable, guarded by the session's lock.
 */
final class Packet {
    final long seq;
    /** Null for the FIN. */
    final byte[] payload;
    /** The path the latest copy was given to, or null while no path is up to take it. */
    PathLink path;
    /** When the latest copy was written to its path, by the session's clock; 0 while it waits in a queue. */
    long sentNanos;
    /** When the latest copy was given to its path. */
    long givenNanos;
    /** How many copies were given to paths. */
    int transmissions;
    boolean acked;
    /** A copy went on a faster path because the receiver waited for this packet. */
    boolean reinjected;
    /** Extra copies on other paths (redundant scheduling, re-injection); null when there are none. */
    List<Copy> copies;

    /** An extra copy of a packet on another path, counted in that path's window until the packet is acknowledged. */
    static final class Copy {
        final Packet packet;
        final PathLink path;
        boolean written;
        /** Off the path's books: the packet was acknowledged, or the path went down. */
        boolean settled;

        Copy(Packet packet, PathLink path) {
            this.packet = packet;
            this.path = path;
        }
    }

    Packet(long seq, byte[] payload) {
        this.seq = seq;
        this.payload = payload;
    }

    boolean isFin() {
        return payload == null;
    }

    /** What the packet costs a path while it is in flight: its payload and its header, roughly. */
    int wireBytes() {
        return (payload == null ? 0 : payload.length) + 16;
    }

    Frame frame() {
        return payload == null ? new Frame.Fin(seq) : new Frame.Data(seq, payload);
    }
}
