package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.frame.Frame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ReceiveHalfTest {
    static List<Long> seeds() {
        long base = System.nanoTime();
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            seeds.add(base + i);
        }
        return seeds;
    }

    /**
     * A sender and a receiver exchange 2,000 packets through a channel that reorders, duplicates
     * and re-sends at random, within the credit the receiver grants: the stream comes out once, in order.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyInterleavingDuplicationOrReorderingDeliversTheStreamOnceInOrder(long seed) {
        Random random = new Random(seed);
        int capacity = 1 + random.nextInt(64);
        ReceiveHalf receiver = new ReceiveHalf(capacity);
        SendHalf sender = new SendHalf(capacity, receiver.advertised());
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream delivered = new ByteArrayOutputStream();
        List<Packet> inFlight = new ArrayList<>();
        int packets = 2000;
        byte[] into = new byte[4096];
        while (!receiver.finished()) {
            while (sender.hasCredit() && !sender.finQueued() && random.nextInt(3) > 0) {
                boolean last = sender.next() == packets;
                byte[] payload = last ? null : new byte[random.nextInt(50)];
                if (payload != null) {
                    random.nextBytes(payload);
                    sent.writeBytes(payload);
                }
                inFlight.add(sender.add(payload));
            }
            Collections.shuffle(inFlight, random);
            int deliver = inFlight.isEmpty() ? 0 : 1 + random.nextInt(inFlight.size());
            for (int i = 0; i < deliver && !inFlight.isEmpty(); i++) {
                // now and then a packet arrives and stays in flight: it will arrive again
                Packet p = random.nextInt(5) == 0 ? inFlight.get(0) : inFlight.remove(0);
                assertTrue(receiver.receive(p.seq, p.payload) != ReceiveHalf.Arrival.BEYOND_WINDOW, "seed " + seed);
            }
            if (random.nextBoolean()) {
                for (int n; (n = receiver.take(into, 0, random.nextInt(1, into.length))) > 0; ) {
                    delivered.write(into, 0, n);
                }
            }
            Frame.Ack ack = receiver.ack();
            assertEquals(null, sender.apply(ack, p -> {}), "seed " + seed);
            // Whatever the ACK does not cover may have been lost with a path: re-send it.
            if (random.nextInt(4) == 0) {
                inFlight.addAll(sender.unacknowledged());
            }
            if (inFlight.isEmpty()) {
                inFlight.addAll(sender.unacknowledged());
            }
            if (receiver.finDelivered()) {
                for (int n; (n = receiver.take(into, 0, into.length)) > 0; ) {
                    delivered.write(into, 0, n);
                }
            }
        }
        assertArrayEquals(sent.toByteArray(), delivered.toByteArray(), "seed " + seed);
    }

    @Test
    void aPacketBeyondTheAdvertisedWindowBreaksFlowControl() {
        ReceiveHalf receiver = new ReceiveHalf(4);
        assertEquals(ReceiveHalf.Arrival.BEYOND_WINDOW, receiver.receive(4, new byte[1]));
        assertEquals(ReceiveHalf.Arrival.STORED, receiver.receive(3, new byte[1]));
    }

    @Test
    void theWindowGrowsOnlyAsTheConsumerTakesPackets() {
        ReceiveHalf receiver = new ReceiveHalf(4);
        for (int s = 0; s < 4; s++) {
            receiver.receive(s, new byte[] {(byte) s});
        }
        assertEquals(4, receiver.ack().window());
        receiver.take(new byte[2], 0, 2);
        assertEquals(6, receiver.ack().window());
    }

    @Test
    void anAckListsTheRangesHeldAboveTheGap() {
        ReceiveHalf receiver = new ReceiveHalf(16);
        for (long s : new long[] {0, 2, 3, 5, 9}) {
            receiver.receive(s, new byte[1]);
        }
        receiver.receive(2, new byte[1]);
        Frame.Ack ack = receiver.ack();
        assertEquals(1, ack.cumulative());
        assertEquals(List.of(new Frame.SeqRange(2, 3), new Frame.SeqRange(5, 5), new Frame.SeqRange(9, 9)), ack.ranges());
        assertEquals(1, receiver.duplicates());
    }

    @Test
    void aMalformedAckIsAProtocolError() {
        SendHalf sender = new SendHalf(8, 8);
        for (int i = 0; i < 4; i++) {
            sender.add(new byte[1]);
        }
        assertTrue(sender.apply(new Frame.Ack(5, List.of(), 8), p -> {}).contains("beyond"));
        assertTrue(sender.apply(new Frame.Ack(1, List.of(new Frame.SeqRange(1, 1)), 8), p -> {}).contains("ranges"));
        assertTrue(sender.apply(new Frame.Ack(0, List.of(new Frame.SeqRange(1, 1), new Frame.SeqRange(2, 2)), 8), p -> {})
                .contains("ranges"));
        assertEquals(null, sender.apply(new Frame.Ack(1, List.of(new Frame.SeqRange(2, 3)), 9), p -> {}));
        assertEquals(3, sender.outstanding());
    }
}
