package dev.mpp.runtime.session;

import dev.mpp.api.frame.DecodeResult;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.frame.Preface;
import dev.mpp.api.spi.FrameDecoder;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Reads one path's incoming bytes: the preface, then frames. One buffer serves the handshake and
 * the path's whole life, so bytes that arrive right behind a handshake frame are never lost.
 * Not thread-safe: the path's reader owns it.
 */
final class FrameReader {
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).flip();
    private FrameDecoder decoder;
    /** Called with the number of bytes of each read, to tell the session the path is alive. */
    private Runnable onRead = () -> {};

    FrameReader(InputStream in) {
        this.in = in;
    }

    void onRead(Runnable onRead) {
        this.onRead = onRead;
    }

    /** Reads the preface line; {@link Preface.Invalid} if the bytes are something else. */
    Preface.Result preface() throws IOException {
        while (true) {
            Preface.Result result = Preface.read(buffer);
            if (!(result instanceof Preface.NeedMore)) {
                return result;
            }
            fill();
        }
    }

    /** From now on frames are decoded with {@code decoder}. */
    void use(FrameDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * The next frame; blocks until it is whole.
     *
     * @throws EOFException      if the path ends
     * @throws ProtocolException if the bytes are not a valid frame
     */
    Frame next() throws IOException {
        while (true) {
            switch (decoder.decode(buffer)) {
                case DecodeResult.Decoded(Frame frame) -> {
                    return frame;
                }
                case DecodeResult.Malformed(String reason) -> throw new ProtocolException("malformed frame: " + reason);
                case DecodeResult.NeedMore ignored -> fill();
            }
        }
    }

    private void fill() throws IOException {
        buffer.compact();
        try {
            if (!buffer.hasRemaining()) {
                throw new ProtocolException("no frame boundary within " + BUFFER + " bytes");
            }
            int n = in.read(buffer.array(), buffer.position(), buffer.remaining());
            if (n < 0) {
                throw new EOFException("the peer closed the path");
            }
            buffer.position(buffer.position() + n);
        } finally {
            buffer.flip();
        }
        onRead.run();
    }
}
