package dev.mpp.runtime.testkit;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * A SOCKS5 relay on 127.0.0.1 that a test puts on a path and breaks on command, in the middle of a
 * transfer. It is a correct RFC 1928 server for what the tests need: CONNECT with method 0x00 (no
 * authentication) to ATYP 1, 3 (resolved with {@link InetAddress}) or 4, answered with the bound
 * address of the onward connection, or with the code of its failure (0x05 when refused).
 *
 * <p>After the reply each direction of a connection is a reader thread and a writer thread (both
 * virtual) joined by a delay line: a FIFO of the chunks read, each stamped with the time it was
 * read. Every chunk passes the fault gate twice: the reader reads only while the relay is not
 * stalled and the line has room; the writer writes a chunk only when it is due, in pieces no
 * larger than the slice, at no more than the rate.
 *
 * <p>The faults. Commands apply at once to every open connection and to every connection accepted
 * later, until the next command changes them:
 * <ul>
 *   <li>{@link #pass()}: the initial state; bytes flow at full speed, unsliced and undelayed.
 *   <li>{@link #slow}, {@link #slice} and {@link #delay} each set one shaping and keep the other two,
 *       so they combine (a slow, sliced and delayed relay is fine).
 *   <li>{@link #stall()} stops every byte on top of them: no reads (TCP backpressure builds up at the
 *       peers), no writes, and a connection accepted meanwhile gets no SOCKS answer, like a hung
 *       relay. {@link #pass()} ends it, and clears the shaping too.
 * </ul>
 * {@link #closeConnections()} and {@link #reset()} act once, on the connections open now; the
 * relay keeps accepting and relaying new connections under the current shaping. The SOCKS
 * handshake is never slowed, sliced or delayed: only a stall holds it.
 *
 * <p>Memory is bounded: a 64 KiB read buffer per direction, and a delay line of at most one chunk
 * (undelayed) or 1 MiB (delayed). A delayed direction therefore carries at most 1 MiB per delay.
 *
 * <p>Commands and counters may be called from any thread.
 */
public final class FaultyRelay implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int DELAY_LINE_BYTES = 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    // RFC 1928 reply codes.
    private static final int SUCCEEDED = 0x00;
    private static final int GENERAL_FAILURE = 0x01;
    private static final int NETWORK_UNREACHABLE = 0x03;
    private static final int HOST_UNREACHABLE = 0x04;
    private static final int CONNECTION_REFUSED = 0x05;
    private static final int TTL_EXPIRED = 0x06;
    private static final int COMMAND_NOT_SUPPORTED = 0x07;
    private static final int ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

    /** How chunks pass the gate; each command replaces it whole, the pumps read it at every step. */
    private record Shaping(boolean stalled, long bytesPerSecond, int maxChunk, long delayNanos) {
        static final Shaping PASS = new Shaping(false, 0, Integer.MAX_VALUE, 0);
    }

    private final ServerSocket server;
    private final String name;
    private final Thread acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> connectionThreads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicReference<Shaping> shaping = new AtomicReference<>(Shaping.PASS);

    private FaultyRelay() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        name = "faulty-relay-" + server.getLocalPort();
        acceptor = Thread.ofVirtual().name(name + "-accept").start(this::acceptLoop);
    }

    /** A relay listening on 127.0.0.1 on a free port, passing bytes normally. */
    public static FaultyRelay start() throws IOException {
        return new FaultyRelay();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** {@code socks5://127.0.0.1:PORT}, as a path's {@code via} names a relay. */
    public String uri() {
        return "socks5://127.0.0.1:" + server.getLocalPort();
    }

    /** For the JDK's own SOCKS client: {@code new Socket(relay.proxy())}. */
    public Proxy proxy() {
        return new Proxy(Proxy.Type.SOCKS, address());
    }

    // The faults.

    /** Back to the initial state: ends a stall, and clears the rate, the slice and the delay. */
    public void pass() {
        update(s -> Shaping.PASS);
    }

    /** Stops every byte in both directions and every SOCKS answer, keeping the sockets open, until {@link #pass()}. */
    public void stall() {
        update(s -> new Shaping(true, s.bytesPerSecond(), s.maxChunk(), s.delayNanos()));
    }

    /** Each direction of each connection forwards at most {@code bytesPerSecond}, in bursts of at most 1/20 s. */
    public void slow(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: > 0)");
        }
        update(s -> new Shaping(s.stalled(), bytesPerSecond, s.maxChunk(), s.delayNanos()));
    }

    /** Forwards in writes of at most {@code maxChunk} bytes each (1: a byte per write, hence per TCP segment). */
    public void slice(int maxChunk) {
        if (maxChunk <= 0) {
            throw new IllegalArgumentException("maxChunk: " + maxChunk + " (expected: > 0)");
        }
        update(s -> new Shaping(s.stalled(), s.bytesPerSecond(), maxChunk, s.delayNanos()));
    }

    /**
     * Holds each chunk {@code delay} after it was read before writing it, in order; {@link Duration#ZERO}
     * ends the delay. Chunks already in the line become due by the new delay.
     */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
        update(s -> new Shaping(s.stalled(), s.bytesPerSecond(), s.maxChunk(), delay.toNanos()));
    }

    /**
     * Ends every open connection cleanly: a FIN to the client and to the destination now, the bytes
     * in the delay line dropped. Each connection then discards what its peers still send, so that
     * unread bytes do not turn the close into a reset, and counts as open until both peers have closed.
     */
    public void closeConnections() {
        for (Connection connection : connections) {
            connection.closeGracefully();
        }
    }

    /** Ends every open connection with a reset (SO_LINGER 0) to the client and to the destination now. */
    public void reset() {
        for (Connection connection : connections) {
            connection.close(true);
        }
    }

    /** Changes the shaping, then wakes every connection to apply it at once. */
    private void update(UnaryOperator<Shaping> change) {
        shaping.updateAndGet(change);
        for (Connection connection : connections) {
            connection.wake();
        }
    }

    // The counters.

    /** TCP connections accepted since the start, stalled and failed ones included. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Bytes written to clients and destinations, both directions together. */
    public long bytesRelayed() {
        return relayed.get();
    }

    /** Connections accepted whose sockets the relay has not closed yet. */
    public int openConnections() {
        return connections.size();
    }

    /** Stops listening, closes every connection, and returns once every thread of the relay has ended. */
    @Override
    public void close() throws IOException {
        server.close();
        join(acceptor);
        for (Connection connection : connections) {
            connection.close(false);
        }
        for (Thread thread : connectionThreads) {
            join(thread);
        }
    }

    private void acceptLoop() {
        for (int id = 1; ; id++) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Connection connection = new Connection(client, name + "-" + id);
            connections.add(connection);
            Thread thread = Thread.ofVirtual().name(connection.name).unstarted(connection::run);
            connectionThreads.add(thread);
            thread.start();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining " + thread.getName(), e);
        }
    }

    private enum State {
        OPEN,
        /** Closed cleanly: FIN sent both ways, discarding what the peers still send until they close. */
        DRAINING,
        CLOSED
    }

    /** One chunk read; a null {@code bytes} is the end of the stream, which goes down the line like data. */
    private record Chunk(byte[] bytes, long readAt) {}

    /** One client, its onward connection, and the four pumps between them. */
    private final class Connection {
        final Socket client;
        final Socket target = new Socket();
        final String name;
        final ReentrantLock lock = new ReentrantLock();
        /** Signalled on every command, every state change and every move in a delay line. */
        final Condition changed = lock.newCondition();
        State state = State.OPEN; // guarded by lock

        Connection(Socket client, String name) {
            this.client = client;
            this.name = name;
        }

        void run() {
            boolean relaying = false;
            try {
                client.setTcpNoDelay(true);
                if (handshake()) {
                    relaying = true;
                    relay();
                }
            } catch (IOException e) {
                // A client that went away during the handshake, or a close by a command: nothing to answer.
            } finally {
                if (!relaying && state() == State.DRAINING) {
                    drain(client);
                }
                closeQuietly(client);
                closeQuietly(target);
                connections.remove(this);
                connectionThreads.remove(Thread.currentThread());
            }
        }

        /** The RFC 1928 exchange up to a successful reply; false if it ended otherwise. */
        private boolean handshake() throws IOException {
            DataInputStream in = new DataInputStream(client.getInputStream());
            if (!awaitUnstalled() || in.readUnsignedByte() != 0x05) {
                return false;
            }
            byte[] methods = readFully(in, in.readUnsignedByte());
            boolean noAuth = false;
            for (byte method : methods) {
                noAuth |= method == 0x00;
            }
            if (!noAuth) {
                return refuse(new byte[] {0x05, (byte) 0xFF});
            }
            if (!send(new byte[] {0x05, 0x00})) {
                return false;
            }
            byte[] head = readFully(in, 4); // VER CMD RSV ATYP
            if (head[0] != 0x05) {
                return false;
            }
            int atyp = head[3] & 0xFF;
            byte[] host = switch (atyp) {
                case 0x01 -> readFully(in, 4);
                case 0x04 -> readFully(in, 16);
                case 0x03 -> readFully(in, in.readUnsignedByte());
                default -> null;
            };
            if (host == null) {
                return refuse(reply(ADDRESS_TYPE_NOT_SUPPORTED, null)); // the rest of the request has no known length
            }
            int port = in.readUnsignedShort();
            if (head[1] != 0x01) {
                return refuse(reply(COMMAND_NOT_SUPPORTED, null));
            }
            InetAddress address;
            try {
                address = atyp == 0x03 ? InetAddress.getByName(new String(host, StandardCharsets.ISO_8859_1))
                        : InetAddress.getByAddress(host);
            } catch (UnknownHostException e) {
                return refuse(reply(HOST_UNREACHABLE, null));
            }
            try {
                target.setTcpNoDelay(true);
                target.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                return state() == State.OPEN && refuse(reply(replyCode(e), null));
            }
            return send(reply(SUCCEEDED, (InetSocketAddress) target.getLocalSocketAddress()));
        }

        /** Sends a handshake message once no stall holds it back; false if the connection was closed meanwhile. */
        private boolean send(byte[] message) throws IOException {
            if (!awaitUnstalled()) {
                return false;
            }
            client.getOutputStream().write(message);
            return true;
        }

        /** Sends a refusal and ends the connection with a FIN; always false. */
        private boolean refuse(byte[] message) throws IOException {
            if (send(message)) {
                client.shutdownOutput();
                drain(client); // a pipelined byte left unread would turn the close into a reset
            }
            return false;
        }

        /** Runs the four pumps and returns when all have ended. */
        private void relay() {
            Pipe up = new Pipe(client, target);
            Pipe down = new Pipe(target, client);
            List<Thread> pumps = new ArrayList<>();
            pumps.add(Thread.ofVirtual().name(name + "-up-read").start(up::read));
            pumps.add(Thread.ofVirtual().name(name + "-up-write").start(up::write));
            pumps.add(Thread.ofVirtual().name(name + "-down-read").start(down::read));
            pumps.add(Thread.ofVirtual().name(name + "-down-write").start(down::write));
            for (Thread pump : pumps) {
                join(pump);
            }
        }

        State state() {
            lock.lock();
            try {
                return state;
            } finally {
                lock.unlock();
            }
        }

        /** Waits out a stall; false once the connection is closing or closed. */
        boolean awaitUnstalled() {
            lock.lock();
            try {
                while (state == State.OPEN && shaping.get().stalled()) {
                    changed.awaitUninterruptibly();
                }
                return state == State.OPEN;
            } finally {
                lock.unlock();
            }
        }

        void wake() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void closeGracefully() {
            lock.lock();
            try {
                if (state != State.OPEN) {
                    return;
                }
                state = State.DRAINING;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            for (Socket socket : List.of(client, target)) {
                try {
                    socket.shutdownOutput();
                } catch (IOException notConnectedOrClosed) {
                    // the onward connection may not exist yet; the client may have gone
                }
            }
        }

        /** Closes both sockets now, with a reset if {@code abort}; the pumps see it and end. */
        void close(boolean abort) {
            lock.lock();
            try {
                if (state == State.CLOSED) {
                    return;
                }
                if (abort) {
                    // Before the state changes: the pumps then end at once, and the connection's own thread may
                    // close a socket before this one does. Whoever closes it, it must be with a reset.
                    lingerZero(client);
                    lingerZero(target);
                }
                state = State.CLOSED;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            closeQuietly(client);
            closeQuietly(target);
        }

        /** An error the relay did not cause itself: passed on to both peers as a reset, as a relay would. */
        void failed() {
            if (state() == State.OPEN) {
                close(true);
            }
        }

        /** One direction: a reader and a writer joined by the delay line. */
        private final class Pipe {
            final Socket from;
            final Socket to;
            final ArrayDeque<Chunk> line = new ArrayDeque<>(); // guarded by lock, like the fields below
            int lineBytes;
            double tokens;
            long refilledAt = System.nanoTime();

            Pipe(Socket from, Socket to) {
                this.from = from;
                this.to = to;
            }

            /** The reader's thread: reads while the gate lets it; after a clean close, reads and drops until the end. */
            void read() {
                byte[] buffer = new byte[BUFFER_BYTES];
                try {
                    InputStream in = from.getInputStream();
                    while (awaitRoom() != State.CLOSED) {
                        int n = in.read(buffer);
                        boolean end = n < 0;
                        boolean queued = offer(new Chunk(end ? null : Arrays.copyOf(buffer, n), System.nanoTime()));
                        if (end) {
                            return;
                        }
                        if (!queued && state() == State.CLOSED) {
                            return;
                        }
                    }
                } catch (IOException e) {
                    failed();
                }
            }

            /** The writer's thread: writes each chunk when due, sliced and paced; passes the end of stream on as a FIN. */
            void write() {
                try {
                    OutputStream out = to.getOutputStream();
                    for (Chunk chunk; (chunk = awaitDue()) != null; ) {
                        if (chunk.bytes() == null) {
                            to.shutdownOutput();
                            return;
                        }
                        for (int offset = 0; offset < chunk.bytes().length; ) {
                            int n = awaitPermit(chunk.bytes().length - offset);
                            if (n == 0) {
                                return;
                            }
                            out.write(chunk.bytes(), offset, n);
                            offset += n;
                            relayed.addAndGet(n);
                        }
                        taken(chunk);
                    }
                } catch (IOException e) {
                    failed();
                }
            }

            /** Waits until the reader may read: not stalled and room in the line, or draining. Returns the state. */
            private State awaitRoom() {
                lock.lock();
                try {
                    while (state == State.OPEN && (shaping.get().stalled() || lineBytes >= lineCapacity())) {
                        changed.awaitUninterruptibly();
                    }
                    return state;
                } finally {
                    lock.unlock();
                }
            }

            /** Undelayed, the line holds one chunk, so the relay buffers no more than a plain relay would. */
            private int lineCapacity() {
                return shaping.get().delayNanos() == 0 ? 1 : DELAY_LINE_BYTES;
            }

            /** Appends to the line; false (dropping the chunk) if the connection is no longer open. */
            private boolean offer(Chunk chunk) {
                lock.lock();
                try {
                    if (state != State.OPEN) {
                        return false;
                    }
                    line.addLast(chunk);
                    lineBytes += chunk.bytes() == null ? 0 : chunk.bytes().length;
                    changed.signalAll();
                    return true;
                } finally {
                    lock.unlock();
                }
            }

            /** The head of the line once it is due and the relay not stalled; null once the connection is not open. */
            private Chunk awaitDue() {
                lock.lock();
                try {
                    while (state == State.OPEN) {
                        Shaping s = shaping.get();
                        Chunk head = line.peekFirst();
                        if (head == null || s.stalled()) {
                            changed.awaitUninterruptibly();
                            continue;
                        }
                        long wait = head.readAt() + s.delayNanos() - System.nanoTime();
                        if (wait <= 0) {
                            return head;
                        }
                        changed.awaitNanos(wait);
                    }
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                } finally {
                    lock.unlock();
                }
            }

            /**
             * How many of {@code remaining} bytes the writer may write now: waits out a stall and the
             * token bucket; 0 once the connection is not open.
             */
            private int awaitPermit(int remaining) {
                lock.lock();
                try {
                    while (state == State.OPEN) {
                        Shaping s = shaping.get();
                        if (s.stalled()) {
                            changed.awaitUninterruptibly();
                            continue;
                        }
                        int n = Math.min(remaining, s.maxChunk());
                        long now = System.nanoTime();
                        if (s.bytesPerSecond() == 0) {
                            refilledAt = now;
                            return n;
                        }
                        long burst = Math.max(1, s.bytesPerSecond() / 20);
                        n = (int) Math.min(n, burst);
                        tokens = Math.min(burst, tokens + (now - refilledAt) * (s.bytesPerSecond() / 1e9));
                        refilledAt = now;
                        if (tokens >= n) {
                            tokens -= n;
                            return n;
                        }
                        changed.awaitNanos((long) Math.ceil((n - tokens) * 1e9 / s.bytesPerSecond()));
                    }
                    return 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                } finally {
                    lock.unlock();
                }
            }

            /** Removes the head of the line once it has been written in full, making room for the reader. */
            private void taken(Chunk chunk) {
                lock.lock();
                try {
                    if (line.peekFirst() == chunk) {
                        line.removeFirst();
                        lineBytes -= chunk.bytes().length;
                        changed.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Reads and drops until the peer closes, so that closing the socket sends a FIN, not a reset. */
    private static void drain(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[BUFFER_BYTES];
            while (in.read(buffer) >= 0) {
                // dropped
            }
        } catch (IOException e) {
            // closed by close() or reset() meanwhile, or by the peer
        }
    }

    private static int replyCode(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof SocketTimeoutException || message.contains("timed out")) {
            return TTL_EXPIRED;
        } else if (e instanceof java.net.ConnectException && message.contains("refused")) {
            return CONNECTION_REFUSED;
        } else if (e instanceof NoRouteToHostException || message.contains("Host is unreachable")) {
            return HOST_UNREACHABLE;
        } else if (message.contains("Network is unreachable")) {
            return NETWORK_UNREACHABLE;
        }
        return GENERAL_FAILURE;
    }

    /** {@code VER REP RSV ATYP BND.ADDR BND.PORT}; a null {@code bound} is 0.0.0.0:0, for failures. */
    private static byte[] reply(int code, InetSocketAddress bound) {
        if (bound == null) {
            bound = new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 0);
        }
        byte[] ip = bound.getAddress().getAddress();
        byte[] reply = new byte[6 + ip.length];
        reply[0] = 0x05;
        reply[1] = (byte) code;
        reply[3] = (byte) (bound.getAddress() instanceof Inet4Address ? 0x01 : 0x04);
        System.arraycopy(ip, 0, reply, 4, ip.length);
        reply[4 + ip.length] = (byte) (bound.getPort() >> 8);
        reply[5 + ip.length] = (byte) bound.getPort();
        return reply;
    }

    private static byte[] readFully(DataInputStream in, int n) throws IOException {
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return bytes;
    }

    private static void lingerZero(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException alreadyClosed) {
            // nothing left to reset
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was left to do
        }
    }
}
