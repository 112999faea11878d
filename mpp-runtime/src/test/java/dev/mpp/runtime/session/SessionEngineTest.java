package dev.mpp.runtime.session;

import static dev.mpp.runtime.session.SessionBench.PACKET;
import static dev.mpp.runtime.session.SessionBench.WIRE;
import static dev.mpp.runtime.session.SessionBench.seq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.frame.Frame;
import dev.mpp.runtime.session.SessionBench.Peer;
import dev.mpp.runtime.testkit.RandomPayload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session engine frame by frame, with a fake clock and ticks by hand ({@link SessionBench}):
 * what goes out on which path, what an ACK or a PONG from the peer releases, and which copies
 * re-injection makes.
 *
 * <p>The two-path tests share one picture. Both paths carry 100 packets a second; "slow" has a
 * minimum RTT of 110 ms, "fast" of 40 ms. The session (and latency-aware) expects a packet to
 * arrive after the bytes ahead of it on its path at the path's rate, plus half the RTT: packet i
 * of the slow path's queue at (i + 1) x 10 ms + 55 ms, the j-th packet on the empty fast path at
 * j x 10 ms + 20 ms. The fast path's window is 2 x rate x RTT, 8 packets.
 */
@Timeout(30)
class SessionEngineTest {
    private static final long RATE = 100 * WIRE; // bytes per second: a packet every 10 ms
    private static final Duration SLOW_RTT = Duration.ofMillis(110);
    private static final Duration FAST_RTT = Duration.ofMillis(40);
    /** ACKs grant credit far beyond what the tests send: only the windows of the paths limit them. */
    private static final long CREDIT = 64;
    private static final byte[] STREAM = RandomPayload.bytes(8 * PACKET, 8);

    @Test
    void packetsGoOutOnAPathAndStayInFlightUntilThePeerAcknowledgesThem() {
        try (SessionBench bench = new SessionBench(CREDIT)) {
            Peer peer = bench.path(0, "only");
            peer.attach();

            write(bench, Arrays.copyOf(STREAM, 3 * PACKET));

            for (int seq = 0; seq < 3; seq++) {
                Frame.Data data = assertInstanceOf(Frame.Data.class, peer.nextPacket());
                assertEquals(seq, data.seq());
                assertArrayEquals(Arrays.copyOfRange(STREAM, seq * PACKET, (seq + 1) * PACKET), data.payload());
            }
            assertEquals(3 * WIRE, peer.inFlight(), "written, not yet acknowledged");
            peer.send(ack(2));
            assertEquals(WIRE, peer.inFlight(), "packets 0 and 1 acknowledged");
            peer.send(ack(3));
            assertEquals(0, peer.inFlight(), "everything acknowledged");
            assertEquals(0, bench.session.heldBytes(), "nothing kept for re-sending");
        }
    }

    @Test
    void onceTheStreamEndsTheFastPathCarriesCopiesOfTheSlowPathsNewestPacketsThatWouldArriveSooner() {
        try (SessionBench bench = new SessionBench(CREDIT)) {
            Paths paths = slowPathHoldsTheStream(bench);

            // The fast path delivered the FIN and has room: copies of the slow path's packets, newest
            // first. A copy of 2 is the 6th on the fast path: 80 ms against 85 ms on the slow one.
            assertEquals(List.of(7L, 6L, 5L, 4L, 3L, 2L), tailCopies(paths), "copies newest first");
            // A copy of 1 would arrive at 90 ms, after the slow path delivers it (75 ms); 0 even more so.
            assertEquals(List.of(), paths.fast.packetsQueuedSoFar(), "no copy that would arrive later");
            assertEquals(List.of(), paths.slow.packetsQueuedSoFar(), "the slow path keeps its packets and sends no more");
        }
    }

    @Test
    void aPacketAcknowledgedAfterItsCopyWentOutCountsOnItsPathUntilAPongForALaterPing() {
        try (SessionBench bench = new SessionBench(CREDIT)) {
            Paths paths = slowPathHoldsTheStream(bench);
            tailCopies(paths);

            // The copies arrived first. The originals are still in the slow path's socket buffers
            // and relays: they leave its window only once something written after them is through.
            paths.fast.send(ack(0, new Frame.SeqRange(2, 8)));
            assertEquals(8 * WIRE, paths.slow.inFlight(), "2 to 7 still in the slow path's pipe, 0 and 1 unacknowledged");
            // With 2 to 7 settled the fast path is empty, and now copies of 1 and 0 arrive sooner.
            assertEquals(List.of(1L, 0L), paths.fast.packetsQueuedSoFar());
            paths.fast.send(ack(9));
            assertEquals(0, paths.fast.inFlight());
            assertEquals(8 * WIRE, paths.slow.inFlight(), "every packet acknowledged, each perhaps by its copy");

            long pingBeforeThePackets = paths.slow.nextPing(); // queued when the path was attached
            bench.advance(SLOW_RTT);
            paths.slow.send(new Frame.Pong(pingBeforeThePackets));
            assertEquals(8 * WIRE, paths.slow.inFlight(), "a PONG for a PING written before them says nothing of them");

            bench.advance(SessionBench.KEEPALIVE);
            bench.tick();
            long pingAfterThePackets = paths.slow.nextPing();
            bench.advance(SLOW_RTT);
            paths.slow.send(new Frame.Pong(pingAfterThePackets));
            assertEquals(0, paths.slow.inFlight(), "the PING went after them on the same TCP stream: they are through");
        }
    }

    @Test
    void theOldestPacketCopiedForLackOfCreditCountsOnItsPathUntilALaterPacketThereIsAcknowledged() throws Exception {
        try (SessionBench bench = new SessionBench(8)) { // credit for packets 0 to 7
            Peer slow = slowPathWith8Packets(bench);
            Peer fast = bench.path(1, "fast").measured(FAST_RTT, RATE);
            fast.attach();

            // Packet 8 waits for credit: the peer waits for packet 0, so a copy goes on the faster path.
            Thread writer = Thread.ofVirtual().start(() -> write(bench, new byte[PACKET]));
            assertEquals(0, seq(fast.nextPacket()), "a copy of the oldest packet");
            fast.send(ack(1));
            assertTrue(writer.join(Duration.ofSeconds(10)), "credit for packet 8");
            assertEquals(8, seq(fast.nextPacket()), "packet 8 takes the sooner path");

            assertEquals(8 * WIRE, slow.inFlight(), "packet 0 still in the slow path's pipe");
            slow.send(ack(2));
            assertEquals(6 * WIRE, slow.inFlight(), "packet 1 went after 0 on the same TCP stream: both are through");
        }
    }

    /**
     * Once both streams have ended here (our client is gone), what is still unacknowledged may sit on
     * a slow path or wait for a path to be replaced: the session deadline (1 min here) counts from
     * the peer's last acknowledgement, not from the close.
     */
    @Test
    void afterTheLocalEndTheSessionIsResetOnlyOnceThePeerHasAcknowledgedNothingForTheSessionDeadline()
            throws IOException {
        try (SessionBench bench = new SessionBench(CREDIT)) {
            Peer peer = bench.path(0, "only");
            peer.attach();
            write(bench, Arrays.copyOf(STREAM, 3 * PACKET));
            bench.session.shutdownOutput();
            for (int seq = 0; seq <= 3; seq++) {
                assertEquals(seq, seq(peer.nextPacket()), "three packets, then the FIN");
            }
            peer.send(new Frame.Fin(0)); // the peer's stream is empty
            assertEquals(-1, bench.session.input().read(), "the peer's end of stream");
            bench.session.close(); // our client is gone; nothing of our stream is acknowledged yet

            bench.advance(Duration.ofSeconds(50));
            bench.tick();
            peer.send(ack(1)); // packet 0 arrived: the stream still moves
            bench.advance(Duration.ofSeconds(50));
            bench.tick();
            assertEquals(Session.State.ESTABLISHED, bench.session.state(),
                    "100 s after the close but 50 s after the last acknowledgement: still waiting");

            peer.send(ack(1)); // the path is alive, but nothing new is acknowledged
            bench.advance(Duration.ofSeconds(11));
            bench.tick();
            assertEquals(Session.State.RESET, bench.session.state(), "61 s without a new acknowledgement");
        }
    }

    /** The fast path acknowledges the FIN; the sequence numbers of the 6 copies it then sends. */
    private static List<Long> tailCopies(Paths paths) {
        paths.fast.send(ack(0, new Frame.SeqRange(8, 8)));
        List<Long> copies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            copies.add(seq(paths.fast.nextPacket()));
        }
        return copies;
    }

    /** The slow path and the fast one, each with its peer. */
    private record Paths(Peer slow, Peer fast) {}

    /**
     * The slow path alone took packets 0 to 7, written a millisecond apart so each has its own
     * time; then the fast path joined, and the stream's end (FIN, 8) went there, as it arrives
     * sooner. Nothing is acknowledged yet.
     */
    private static Paths slowPathHoldsTheStream(SessionBench bench) {
        Peer slow = slowPathWith8Packets(bench);
        Peer fast = bench.path(1, "fast").measured(FAST_RTT, RATE);
        fast.attach();
        try {
            bench.session.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertInstanceOf(Frame.Fin.class, fast.nextPacket(), "the FIN on the path where it arrives first");
        assertEquals(8 * WIRE, slow.inFlight());
        return new Paths(slow, fast);
    }

    private static Peer slowPathWith8Packets(SessionBench bench) {
        Peer slow = bench.path(0, "slow").measured(SLOW_RTT, RATE);
        slow.attach();
        bench.advance(Duration.ofMillis(1)); // the attach PING goes before every packet
        for (int seq = 0; seq < 8; seq++) {
            write(bench, Arrays.copyOfRange(STREAM, seq * PACKET, (seq + 1) * PACKET));
            assertEquals(seq, seq(slow.nextPacket()));
            bench.advance(Duration.ofMillis(1));
        }
        return slow;
    }

    private static void write(SessionBench bench, byte[] bytes) {
        try {
            bench.session.output().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Frame.Ack ack(long cumulative, Frame.SeqRange... ranges) {
        return new Frame.Ack(cumulative, List.of(ranges), CREDIT);
    }
}
