package dev.mpp.runtime.session;

import dev.mpp.api.Options;
import dev.mpp.api.frame.Frame;
import dev.mpp.api.spi.FrameCodec;
import dev.mpp.api.spi.PathView;
import dev.mpp.runtime.net.Quietly;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One path of a session once its handshake is done: a TCP stream to the peer with one reader and
 * one writer thread. The writer sends what the session queued for this path, control frames
 * first, then re-sent packets, then new ones. Every field but the socket is guarded by the
 * session's lock.
 */
final class PathLink implements PathView {
    private static final Logger log = LoggerFactory.getLogger(PathLink.class);

    /** Where this path is in the session: carrying traffic, asked to close, or out of service. */
    enum Phase { UP, CLOSING, DOWN }

    static final int WRITE_BATCH = 256 * 1024;

    final Session session;
    final int index;
    final String name;
    private final int weight;
    private final Options options;
    private final Socket socket;
    private final FrameCodec codec;
    private final FrameReader reader;
    final Condition work;

    final ArrayDeque<Frame> control = new ArrayDeque<>();
    final ArrayDeque<Packet> resends = new ArrayDeque<>();
    final ArrayDeque<Packet> data = new ArrayDeque<>();
    /** Copies of packets another, slower path holds while the receiver waits for them: written before new data. */
    final ArrayDeque<Packet.Copy> reinjections = new ArrayDeque<>();
    /** Extra copies a scheduler asked for ({@code redundant}): written after new data. */
    final ArrayDeque<Packet.Copy> copies = new ArrayDeque<>();
    Phase phase = Phase.UP;
    /** Bytes given to this path and not yet acknowledged, or not yet known to have left it (see {@link #stillInPipe}). */
    long inflightBytes;
    /**
     * Packets written here whose copy on a faster path was acknowledged first: this copy is still
     * somewhere in the path's socket buffers or relays, and counts in flight until something written
     * after it arrives (a path is one TCP stream, so everything before that arrived too).
     */
    final ArrayDeque<Packet> stillInPipe = new ArrayDeque<>();
    /** The part of {@link #inflightBytes} still in {@link #resends} and {@link #data}. */
    long queuedBytes;
    final QueueControl queueControl;
    /** A packet waited past its retransmission timeout here: take no new packets until an ACK shows the path moves. */
    boolean suspect;
    boolean closeReceived;
    long closeSentNanos;
    /** The writer wrote CLOSE (not RESET): nothing more of this session goes out on the path. */
    private volatile boolean closeWritten;
    private final CountDownLatch writerDone = new CountDownLatch(1);
    /** When the session asked this path to close (CLOSE or RESET queued). */
    long closingSinceNanos;
    /** Written by the reader without the lock (see {@link Session#received}). */
    volatile long lastReceiveNanos;
    long lastPingNanos;
    long smoothedRtt = -1;
    long rttVariation = -1;
    long minRtt = -1;

    long bytesSent;
    long bytesReceived;
    long packetsSent;
    long packetsReceived;
    long packetsResent;

    /**
     * @param options the route's options of this path for the scheduler; empty on the accepting side
     * @param reader the reader that did the handshake: it may hold bytes that arrived behind it
     * @param window the queue control of this path: its window's floor and first size
     */
    PathLink(Session session, int index, String name, int weight, Options options, Socket socket, FrameCodec codec,
             FrameReader reader, long now, QueueControl window) {
        this.session = session;
        this.index = index;
        this.name = name;
        this.weight = weight;
        this.options = options;
        this.socket = socket;
        this.codec = codec;
        this.reader = reader;
        this.queueControl = window;
        this.work = session.newCondition();
        this.lastReceiveNanos = now;
        this.lastPingNanos = now;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public Options options() {
        return options;
    }

    @Override
    public State state() {
        return switch (phase) {
            case UP -> suspect ? State.SUSPECT : State.UP;
            case CLOSING, DOWN -> State.DOWN;
        };
    }

    @Override
    public long smoothedRttNanos() {
        return smoothedRtt;
    }

    @Override
    public long rttVariationNanos() {
        return rttVariation;
    }

    @Override
    public long minRttNanos() {
        return minRtt;
    }

    @Override
    public long bytesInFlight() {
        return inflightBytes;
    }

    @Override
    public long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public long deliveryRate() {
        return queueControl.rate();
    }

    @Override
    public long windowBytes() {
        return queueControl.window();
    }

    boolean isUp() {
        return phase == Phase.UP;
    }

    /** An RTT sample from a PONG: smoothed as TCP does (RFC 6298). */
    void rttSample(long rtt) {
        minRtt = minRtt < 0 ? rtt : Math.min(minRtt, rtt);
        if (smoothedRtt < 0) {
            smoothedRtt = rtt;
            rttVariation = rtt / 2;
        } else {
            rttVariation = (3 * rttVariation + Math.abs(smoothedRtt - rtt)) / 4;
            smoothedRtt = (7 * smoothedRtt + rtt) / 8;
        }
    }

    PathStats stats() {
        return new PathStats(index, name, state().name(), bytesSent, bytesReceived, packetsSent, packetsReceived,
                packetsResent, smoothedRtt, queueControl.rate(), queueControl.window());
    }

    /** Unblocks both threads; the session has already taken the path out. */
    void closeSocket() {
        Quietly.close(socket);
    }

    /** Starts the writer thread. */
    void startWriter() {
        Thread.ofVirtual().name("mpp-path-" + name + "-writer").start(this::writeLoop);
    }

    /**
     * Reads frames until the path ends and hands each to the session. Runs on the calling thread:
     * the thread that did the handshake stays the path's reader.
     */
    void readLoop() {
        reader.onRead(() -> session.received(this));
        try {
            while (session.onFrame(this, reader.next())) {
                // each frame is the session's business
            }
        } catch (IOException e) {
            session.pathFailed(this, e.getMessage());
        } catch (RuntimeException e) {
            log.error("{}: unexpected failure reading", this, e);
            session.pathFailed(this, "unexpected failure: " + e);
        } finally {
            reader.onRead(() -> {}); // the connection may outlive this session (section 10.1)
        }
    }

    /**
     * After {@link #readLoop} returned: answers the peer's CLOSE if our writer stopped before writing
     * ours (it stops once the path is down; CLOSE is then written here, on the reader's thread, as no
     * one else writes any more), and says whether the TCP connection is now quiet both ways, so it
     * could carry another session (docs/mpp-protocol.md, sections 10 and 10.1): the peer's CLOSE
     * arrived, ours went out, and the session was not reset.
     */
    boolean completeCloseExchange(long lingerNanos) {
        try {
            if (!writerDone.await(lingerNanos, TimeUnit.NANOSECONDS)) {
                return false; // still stuck in a write: the peer is not reading
            }
            if (!session.closedCleanly(this)) {
                return false;
            }
            if (!closeWritten) {
                Frames.writeWithin(socket, codec, new Frame.Close(), Duration.ofNanos(lingerNanos));
                closeWritten = true;
            }
            return !socket.isClosed();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void writeLoop() {
        ByteBuffer out = ByteBuffer.allocate(WRITE_BATCH + 64 * 1024);
        try {
            OutputStream stream = socket.getOutputStream();
            while (true) {
                List<Frame> batch = session.takeBatch(this, WRITE_BATCH);
                if (batch == null) {
                    return;
                }
                out.clear();
                for (Frame frame : batch) {
                    int size = codec.maxEncodedSize(frame);
                    if (out.remaining() < size) {
                        stream.write(out.array(), 0, out.position());
                        out.clear();
                        if (out.capacity() < size) {
                            out = ByteBuffer.allocate(size);
                        }
                    }
                    codec.encode(frame, out);
                }
                stream.write(out.array(), 0, out.position());
                if (batch.getLast() instanceof Frame.Close || batch.getLast() instanceof Frame.Reset) {
                    closeWritten = batch.getLast() instanceof Frame.Close;
                    session.wroteLast(this);
                    return;
                }
            }
        } catch (IOException e) {
            session.pathFailed(this, e.getMessage());
        } catch (RuntimeException e) { // e.g. a codec that cannot encode: the path cannot go on
            log.error("{}: unexpected failure writing", this, e);
            session.pathFailed(this, "unexpected failure: " + e);
        } finally {
            writerDone.countDown();
        }
    }

    @Override
    public String toString() {
        return "path " + name;
    }
}
