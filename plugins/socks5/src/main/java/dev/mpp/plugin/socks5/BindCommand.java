package dev.mpp.plugin.socks5;

import dev.mpp.api.ConnectException;
import dev.mpp.api.HostPort;
import dev.mpp.api.spi.Outbound;
import dev.mpp.api.spi.Relay;
import dev.mpp.api.spi.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BIND (RFC 1928 section 4): listen on the interface the client came in on, send the first reply
 * with that address, accept one connection, send the second reply with its source, then relay.
 * The listener never outlives the control connection: if the client goes away while we wait,
 * the listener is closed at once.
 */
final class BindCommand {
    private static final Logger log = LoggerFactory.getLogger(BindCommand.class);
    /** How often the wait checks the control connection. */
    private static final int POLL_MILLIS = 50;
    /** How long the accepting thread may take to leave accept() once the listener is closed. */
    private static final Duration ACCEPTOR_EXIT = Duration.ofSeconds(5);

    private final Socket client;
    private final Outbound outbound;
    private final Relay relay;
    private final Duration timeout;

    BindCommand(Socket client, Outbound outbound, Relay relay, Duration timeout) {
        this.client = client;
        this.outbound = outbound;
        this.relay = relay;
        this.timeout = timeout;
    }

    void run(InetSocketAddress peer, HostPort expected) throws IOException {
        OutputStream out = client.getOutputStream();
        // DST.ADDR 0.0.0.0 (or ::) means the client does not know who will connect: anyone may.
        InetAddress expectedAddress = null;
        if (!isUnspecified(expected.host())) {
            try {
                expectedAddress = outbound.permit(peer, expected).getAddress();
            } catch (ConnectException e) {
                log.info("{}: BIND {} refused: {}", peer, expected, e.getMessage());
                Socks5Inbound.reply(out, e.reason().socksReply(), SocksAddress.UNSPECIFIED);
                return;
            }
        }
        CompletableFuture<Socket> accepted = new CompletableFuture<>();
        Thread acceptor = null;
        try (ServerSocket listener = new ServerSocket()) {
            try {
                listener.bind(new InetSocketAddress(client.getLocalAddress(), 0), 1);
            } catch (IOException e) {
                log.warn("{}: BIND: cannot listen on {}: {}", peer, client.getLocalAddress(), e.getMessage());
                Socks5Inbound.reply(out, Socks5.REP_GENERAL_FAILURE, SocksAddress.UNSPECIFIED);
                return;
            }
            Socks5Inbound.reply(out, Socks5.REP_SUCCEEDED, (InetSocketAddress) listener.getLocalSocketAddress());
            acceptor = Thread.ofVirtual().name("socks5-bind-accept").start(() -> acceptOne(listener, accepted));
            if (!awaitWhileClientStays(accepted)) {
                return; // closing the listener ends the accept
            }
            Socket incoming = acceptedSocket(accepted);
            if (incoming == null) {
                Socks5Inbound.reply(out, Socks5.REP_GENERAL_FAILURE, SocksAddress.UNSPECIFIED);
                return;
            }
            try (Upstream upstream = Upstream.of(incoming)) {
                InetSocketAddress from = (InetSocketAddress) incoming.getRemoteSocketAddress();
                if (expectedAddress != null && !expectedAddress.equals(from.getAddress())) {
                    log.info("{}: BIND: connection from {} refused (expected {})", peer, from, expectedAddress);
                    Socks5Inbound.reply(out, Socks5.REP_NOT_ALLOWED, from);
                    return;
                }
                if (!permitted(peer, from)) {
                    Socks5Inbound.reply(out, Socks5.REP_NOT_ALLOWED, from);
                    return;
                }
                listener.close();
                Socks5Inbound.reply(out, Socks5.REP_SUCCEEDED, from);
                relay.relay(client, upstream);
            }
        } finally {
            release(accepted, acceptor);
        }
    }

    private static void acceptOne(ServerSocket listener, CompletableFuture<Socket> accepted) {
        try {
            Socket socket = listener.accept();
            if (!accepted.complete(socket)) {
                closeQuietly(socket); // the wait gave up first: nobody else will close it
            }
        } catch (IOException e) {
            accepted.completeExceptionally(e);
        }
    }

    /**
     * Runs once the listener is closed, whatever ended the command. A connection accepted while
     * the wait was giving up belongs to nobody: close it. And wait for the accepting thread: a
     * virtual thread blocked in accept() keeps the listening socket open until it has left
     * accept(), so without the wait the port would still take connections after the control
     * connection has closed.
     */
    private static void release(CompletableFuture<Socket> accepted, Thread acceptor) {
        accepted.cancel(false);
        if (acceptor != null) {
            try {
                if (!acceptor.join(ACCEPTOR_EXIT)) {
                    log.warn("BIND: the accepting thread did not end within {}", ACCEPTOR_EXIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (accepted.state() == Future.State.SUCCESS) {
            closeQuietly(accepted.resultNow()); // closed already if it was relayed; closing twice is harmless
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    /**
     * Waits for the incoming connection while watching the control connection. Returns false if
     * the client closed, sent data before the second reply, or the wait timed out.
     */
    private boolean awaitWhileClientStays(CompletableFuture<Socket> accepted) throws IOException {
        InputStream in = client.getInputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        client.setSoTimeout(POLL_MILLIS);
        try {
            while (!accepted.isDone()) {
                if (System.nanoTime() > deadline) {
                    Socks5Inbound.reply(client.getOutputStream(), Socks5.REP_TTL_EXPIRED, SocksAddress.UNSPECIFIED);
                    return false;
                }
                try {
                    int b = in.read();
                    // EOF: the client gave up. A byte: the client broke the protocol. Either way, stop.
                    log.debug("BIND: control connection {} while waiting", b < 0 ? "closed" : "sent data");
                    return false;
                } catch (SocketTimeoutException stillWaiting) {
                    // the control connection is alive; look at the listener again
                }
            }
            return true;
        } finally {
            if (!client.isClosed()) {
                client.setSoTimeout(0);
            }
        }
    }

    private static Socket acceptedSocket(CompletableFuture<Socket> accepted) {
        try {
            return accepted.get();
        } catch (ExecutionException e) {
            log.debug("BIND: accept failed", e.getCause());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The access rules apply to the host that really connected, whatever DST.ADDR said. */
    private boolean permitted(InetSocketAddress peer, InetSocketAddress from) {
        try {
            outbound.permit(peer, new HostPort(from.getAddress().getHostAddress(), from.getPort()));
            return true;
        } catch (ConnectException e) {
            log.info("{}: BIND: connection from {} refused: {}", peer, from, e.getMessage());
            return false;
        }
    }

    private static boolean isUnspecified(String host) {
        try {
            return InetAddress.ofLiteral(host).isAnyLocalAddress();
        } catch (IllegalArgumentException notALiteral) {
            return false;
        }
    }
}
