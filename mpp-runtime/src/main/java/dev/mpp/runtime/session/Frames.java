package dev.mpp.runtime.session;

import dev.mpp.api.frame.Frame;
import dev.mpp.api.spi.FrameCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A handshake frame as the bytes of one write; path writers encode their batches themselves. */
final class Frames {
    private Frames() {}

    static byte[] encode(FrameCodec codec, Frame frame) {
        ByteBuffer out = ByteBuffer.allocate(codec.maxEncodedSize(frame));
        codec.encode(frame, out);
        return Arrays.copyOf(out.array(), out.position());
    }
}
