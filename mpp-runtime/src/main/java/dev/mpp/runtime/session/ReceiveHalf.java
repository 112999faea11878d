package dev.mpp.runtime.session;

import dev.mpp.api.frame.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiving half of one direction of a session (docs/mpp-protocol.md, section 9.3 and 9.4):
 * a reorder buffer of {@code capacity} packet slots, the in-order packets the consumer has not
 * taken yet, and the credit that follows from both. Pure state: no I/O, no locks, no clock; the
 * session calls it under its lock.
 *
 * <p>Credit is {@code window = expected + capacity - ready}: every packet the peer may send lies in
 * {@code [expected, window)}, so buffered and ready packets together never exceed the capacity,
 * and the window only grows as the consumer takes packets.
 */
final class ReceiveHalf {
    /** What became of one arriving packet. */
    enum Arrival { STORED, DUPLICATE, BEYOND_WINDOW }

    private static final byte[] FIN = new byte[0];

    private final int capacity;
    private final byte[][] slots;
    private final int mask;
    private long expected;
    private long advertised;
    private final ArrayDeque<byte[]> ready = new ArrayDeque<>();
    private int readyOffset;
    private boolean finDelivered;
    private boolean finTaken;
    private long duplicates;

    ReceiveHalf(int capacity) {
        this.capacity = capacity;
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.slots = new byte[size][];
        this.mask = size - 1;
        this.advertised = capacity;
    }

    /** The credit to grant now. */
    long window() {
        return expected + capacity - ready.size();
    }

    /** The window the peer was last told; packets at or beyond it break flow control. */
    long advertised() {
        return advertised;
    }

    long expected() {
        return expected;
    }

    long duplicates() {
        return duplicates;
    }

    /** A DATA packet, or with {@code payload == null} the FIN, numbered {@code seq}. */
    Arrival receive(long seq, byte[] payload) {
        if (finDelivered) {
            duplicates++; // nothing follows a FIN: whatever comes now is a copy of what was delivered
            return Arrival.DUPLICATE;
        }
        if (Long.compareUnsigned(seq, expected) < 0 || slots[(int) seq & mask] != null && inBuffer(seq)) {
            duplicates++;
            return Arrival.DUPLICATE;
        }
        if (Long.compareUnsigned(seq, advertised) >= 0) {
            return Arrival.BEYOND_WINDOW;
        }
        slots[(int) seq & mask] = payload == null ? FIN : payload;
        while (slots[(int) expected & mask] != null) {
            byte[] next = slots[(int) expected & mask];
            slots[(int) expected & mask] = null;
            expected++;
            if (next == FIN) {
                finDelivered = true;
                // Nothing can follow a FIN; anything buffered beyond it is the peer's error, dropped.
                break;
            }
            ready.add(next);
        }
        return Arrival.STORED;
    }

    private boolean inBuffer(long seq) {
        return Long.compareUnsigned(seq, advertised) < 0;
    }

    /** Whether a packet above {@code expected} is waiting for a gap to fill. */
    boolean hasGap() {
        for (long s = expected + 1; Long.compareUnsigned(s, advertised) < 0; s++) {
            if (slots[(int) s & mask] != null) {
                return true;
            }
        }
        return false;
    }

    /** The ACK to send now; it advertises {@link #window()}. */
    Frame.Ack ack() {
        List<Frame.SeqRange> ranges = new ArrayList<>();
        long first = -1;
        for (long s = expected + 1; Long.compareUnsigned(s, advertised) < 0 && ranges.size() < Frame.Ack.MAX_RANGES; s++) {
            boolean held = slots[(int) s & mask] != null;
            if (held && first < 0) {
                first = s;
            } else if (!held && first >= 0) {
                ranges.add(new Frame.SeqRange(first, s - 1));
                first = -1;
            }
        }
        if (first >= 0 && ranges.size() < Frame.Ack.MAX_RANGES) {
            ranges.add(new Frame.SeqRange(first, advertised - 1));
        }
        advertised = window();
        return new Frame.Ack(expected, ranges, advertised);
    }

    /** Payload bytes held: buffered out of order, or in order and not yet taken. */
    long heldBytes() {
        long n = -readyOffset;
        for (byte[] p : ready) {
            n += p.length;
        }
        for (byte[] p : slots) {
            n += p == null ? 0 : p.length;
        }
        return n;
    }

    /** Whether the consumer has something to read: bytes, or the end of the stream. */
    boolean readable() {
        return !ready.isEmpty() || finDelivered;
    }

    /** Whether the peer's FIN has been delivered in order. */
    boolean finDelivered() {
        return finDelivered;
    }

    /** Whether the consumer has read up to the FIN. */
    boolean finished() {
        return finTaken;
    }

    /**
     * Copies ready bytes into {@code into}; -1 at the end of the stream, 0 if nothing is ready.
     * A packet counts against the window until its last byte is taken.
     */
    int take(byte[] into, int offset, int length) {
        if (ready.isEmpty()) {
            if (finDelivered) {
                finTaken = true;
                return -1;
            }
            return 0;
        }
        int copied = 0;
        while (copied < length && !ready.isEmpty()) {
            byte[] head = ready.peek();
            int n = Math.min(length - copied, head.length - readyOffset);
            System.arraycopy(head, readyOffset, into, offset + copied, n);
            copied += n;
            readyOffset += n;
            if (readyOffset == head.length) {
                ready.poll();
                readyOffset = 0;
            }
        }
        return copied;
    }
}
