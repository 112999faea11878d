package dev.mpp.api.spi;

import dev.mpp.api.frame.DecodeResult;
import java.nio.ByteBuffer;

/**
 * A streaming decoder for one path's incoming bytes. Not thread-safe: one reader thread owns it.
 * It never allocates a length the peer declared before the bytes arrive, and never throws on
 * malformed input.
 */
public interface FrameDecoder {
    /**
     * Consumes bytes from {@code in} (between its position and limit) and returns the next frame,
     * {@code NeedMore} after consuming everything it could, or {@code Malformed}. After
     * {@code Malformed} the decoder is unusable.
     */
    DecodeResult decode(ByteBuffer in);
}
