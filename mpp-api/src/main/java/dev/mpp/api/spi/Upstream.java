package dev.mpp.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A byte stream to the destination: a direct TCP connection, or a multipath session.
 * Reading and writing may happen on two different threads at once; {@link #close()} may be called
 * from any thread and unblocks both.
 */
public interface Upstream extends Closeable {
    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** Ends the stream towards the destination (half-close) while still reading from it. */
    void shutdownOutput() throws IOException;

    /** The address the destination sees this connection come from, reported as BND.ADDR; never null. */
    InetSocketAddress localAddress();

    /** A connected socket as an upstream. */
    static Upstream of(Socket socket) {
        return new Upstream() {
            @Override
            public InputStream input() throws IOException {
                return socket.getInputStream();
            }

            @Override
            public OutputStream output() throws IOException {
                return socket.getOutputStream();
            }

            @Override
            public void shutdownOutput() throws IOException {
                if (!socket.isClosed()) {
                    socket.shutdownOutput();
                }
            }

            @Override
            public InetSocketAddress localAddress() {
                return (InetSocketAddress) socket.getLocalSocketAddress();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }

            @Override
            public String toString() {
                return String.valueOf(socket.getRemoteSocketAddress());
            }
        };
    }
}
