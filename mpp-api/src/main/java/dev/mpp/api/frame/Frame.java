package dev.mpp.api.frame;

import dev.mpp.api.HostPort;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One MPP message. Sequence numbers are unsigned 64-bit packet numbers held in a {@code long}
 * (compare with {@link Long#compareUnsigned}); the space is never expected to wrap but codecs
 * carry every value. Byte arrays are not copied: a frame owns the arrays it is given.
 */
public sealed interface Frame {
    int NONCE_BYTES = 16;
    int PROOF_BYTES = 32;

    /**
     * Opens a session: the first message on the first path.
     *
     * @param time the sender's clock in seconds since the Unix epoch; with {@code nonce} it lets the
     *             peer refuse a replayed OPEN without remembering every nonce it ever saw
     */
    record Open(Mid mid, HostPort destination, long time, byte[] nonce, byte[] proof, long window) implements Frame {
        public Open {
            Objects.requireNonNull(mid, "mid");
            Objects.requireNonNull(destination, "destination");
            if (time < 0) {
                throw new IllegalArgumentException("time: " + time + " (expected: 0 or more)");
            }
            checkLength("nonce", nonce, NONCE_BYTES);
            checkLength("proof", proof, PROOF_BYTES);
            checkWindow(window);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Open(Mid m, HostPort d, long t, byte[] n, byte[] p, long w) && mid.equals(m)
                    && destination.equals(d) && time == t && Arrays.equals(nonce, n) && Arrays.equals(proof, p)
                    && window == w;
        }

        @Override
        public int hashCode() {
            return Objects.hash(mid, destination, time, Arrays.hashCode(nonce), window);
        }
    }

    /** The peer reached the destination; {@code nonce} is the session's server nonce for JOIN proofs. */
    record OpenOk(byte[] nonce, byte[] proof, long window) implements Frame {
        public OpenOk {
            checkLength("nonce", nonce, NONCE_BYTES);
            checkLength("proof", proof, PROOF_BYTES);
            checkWindow(window);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OpenOk(byte[] n, byte[] p, long w) && Arrays.equals(nonce, n)
                    && Arrays.equals(proof, p) && window == w;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(nonce), window);
        }
    }

    /** The session could not be opened. */
    record OpenError(ErrorCode code, String message) implements Frame {
        public OpenError {
            Objects.requireNonNull(code, "code");
            checkMessage(message);
        }
    }

    /** Adds a path to an existing session. */
    record Join(Mid mid, byte[] nonce, byte[] proof) implements Frame {
        public Join {
            Objects.requireNonNull(mid, "mid");
            checkLength("nonce", nonce, NONCE_BYTES);
            checkLength("proof", proof, PROOF_BYTES);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Join(Mid m, byte[] n, byte[] p) && mid.equals(m) && Arrays.equals(nonce, n)
                    && Arrays.equals(proof, p);
        }

        @Override
        public int hashCode() {
            return Objects.hash(mid, Arrays.hashCode(nonce));
        }
    }

    /** The path joined; {@code proof} shows the peer holds the key too. */
    record JoinOk(byte[] proof) implements Frame {
        public JoinOk {
            checkLength("proof", proof, PROOF_BYTES);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof JoinOk(byte[] p) && Arrays.equals(proof, p);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(proof);
        }
    }

    /** The path was refused. */
    record JoinError(ErrorCode code, String message) implements Frame {
        public JoinError {
            Objects.requireNonNull(code, "code");
            checkMessage(message);
        }
    }

    /** Stream bytes, packet {@code seq}. */
    record Data(long seq, byte[] payload) implements Frame {
        public Data {
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data(long s, byte[] p) && seq == s && Arrays.equals(payload, p);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(seq) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Data[seq=" + Long.toUnsignedString(seq) + ", " + payload.length + " bytes]";
        }
    }

    /**
     * Acknowledges every packet below {@code cumulative}, plus the {@code ranges} above it,
     * and grants credit up to packet {@code window} (exclusive).
     */
    record Ack(long cumulative, List<SeqRange> ranges, long window) implements Frame {
        public static final int MAX_RANGES = 64;

        public Ack {
            ranges = List.copyOf(ranges);
            if (ranges.size() > MAX_RANGES) {
                throw new IllegalArgumentException("ranges: " + ranges.size() + " (expected: at most " + MAX_RANGES + ")");
            }
        }
    }

    /** A range of packets {@code [first, last]}, both inclusive. */
    record SeqRange(long first, long last) {
        public SeqRange {
            if (Long.compareUnsigned(first, last) > 0) {
                throw new IllegalArgumentException("range: " + Long.toUnsignedString(first) + "-"
                        + Long.toUnsignedString(last) + " (expected: first <= last)");
            }
        }
    }

    /** Keepalive and RTT probe; answered by a {@link Pong} with the same token. */
    record Ping(long token) implements Frame {}

    record Pong(long token) implements Frame {}

    /** The sender's stream ends before packet {@code seq}: half-close. */
    record Fin(long seq) implements Frame {}

    /** Graceful end of the session (both directions finished and acknowledged) or of this path. */
    record Close() implements Frame {}

    /** Abort: the session is over and unfinished data is lost. */
    record Reset(ErrorCode code, String message) implements Frame {
        public Reset {
            Objects.requireNonNull(code, "code");
            checkMessage(message);
        }
    }

    private static void checkLength(String name, byte[] bytes, int expected) {
        Objects.requireNonNull(bytes, name);
        if (bytes.length != expected) {
            throw new IllegalArgumentException(name + ": " + bytes.length + " bytes (expected: " + expected + ")");
        }
    }

    private static void checkWindow(long window) {
        if (window < 0) {
            throw new IllegalArgumentException("window: " + window + " (expected: 0 or more)");
        }
    }

    private static void checkMessage(String message) {
        Objects.requireNonNull(message, "message");
        if (message.length() > 1024) {
            throw new IllegalArgumentException("message: " + message.length() + " characters (expected: at most 1024)");
        }
    }
}
