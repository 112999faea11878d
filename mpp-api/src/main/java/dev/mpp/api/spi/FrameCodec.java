package dev.mpp.api.spi;

import dev.mpp.api.frame.Frame;
import java.nio.ByteBuffer;

/** One MPP framing: how frames look on the wire. Thread-safe and stateless. */
public interface FrameCodec {
    /** An upper bound on the encoded size of {@code frame}. */
    int maxEncodedSize(Frame frame);

    /**
     * Writes {@code frame} into {@code out} at its position.
     *
     * @throws java.nio.BufferOverflowException if {@code out} has less than {@link #maxEncodedSize} remaining
     */
    void encode(Frame frame, ByteBuffer out);

    /** A new decoder for one path. */
    FrameDecoder newDecoder();
}
