package dev.mpp.runtime.session;

import dev.mpp.api.frame.Frame;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.runtime.net.Quietly;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/** A handshake frame as the bytes of one write; path writers encode their batches themselves. */
final class Frames {
    private Frames() {}

    static byte[] encode(FrameCodec codec, Frame frame) {
        ByteBuffer out = ByteBuffer.allocate(codec.maxEncodedSize(frame));
        codec.encode(frame, out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /**
     * Writes one frame outside a path's writer (CLOSE, PING or PONG of a connection between
     * sessions), closing the socket if the write has not finished within {@code timeout}: a peer or
     * relay that stops reading must not hold the thread, or a node that is stopping, forever.
     */
    static void writeWithin(Socket socket, FrameCodec codec, Frame frame, Duration timeout) throws IOException {
        byte[] bytes = encode(codec, frame);
        Thread watchdog = Thread.ofVirtual().name("mpp-write-deadline").start(() -> {
            try {
                Thread.sleep(timeout);
                Quietly.close(socket);
            } catch (InterruptedException e) {
                // written in time
            }
        });
        try {
            socket.getOutputStream().write(bytes);
        } finally {
            watchdog.interrupt();
        }
    }
}
