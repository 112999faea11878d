package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.Streams;
import dev.mpp.runtime.testkit.TcpFixture;
import dev.mpp.runtime.testkit.FaultyRelay;
import java.io.IOException;
import java.time.Duration;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One connection over three relay paths (two of the project's own SOCKS5 servers and the
 * fault-injecting relay, passing bytes), both directions at once, checked byte for byte.
 */
class MultipathTransferTest {
    private static final List<RunningNode> relays = new ArrayList<>();
    private static FaultyRelay faulty;
    private static MultipathFixture mpp;

    @BeforeAll
    static void start() throws IOException {
        for (int i = 0; i < 2; i++) {
            relays.add(RunningNode.socks(""));
        }
        faulty = FaultyRelay.start();
        List<String> via = new ArrayList<>(relays.stream().map(r -> "socks5://" + r.socksHostPort()).toList());
        via.add(faulty.uri());
        // round-robin stripes every packet stream over all paths, which is what reassembly must be shown on;
        // latency-aware (the default) would rightly keep a small transfer on the fastest path alone.
        String roundRobin = ", \"scheduler\": \"round-robin\"";
        mpp = MultipathFixture.start(via, roundRobin, roundRobin);
    }

    @AfterAll
    static void stop() throws IOException {
        mpp.close();
        faulty.close();
        relays.forEach(RunningNode::close);
    }

    /** The destination answers only once it has seen the client's end of stream: half-close crosses the tunnel. */
    @Test
    void halfCloseIsCarriedEndToEnd() throws Exception {
        byte[] request = RandomPayload.bytes(3 << 20, 7);
        byte[] reply = RandomPayload.bytes(3 << 20, 8);
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture destination = TcpFixture.replyAfterEnd(received, reply);
             Socket client = mpp.connect(destination.address())) {
            byte[] got = Streams.sendAndReceive(client, request);
            assertEquals(StreamDigest.of(request), received.get(30, TimeUnit.SECONDS));
            assertEquals(StreamDigest.of(reply), StreamDigest.of(got));
        }
    }

    /** A relay that forwards one byte per write, each after 10 ms: frames arrive in pieces, late. */
    @Test
    void framesCutIntoSingleBytesAndDelayedArriveIntact() throws Exception {
        faulty.slice(1);
        faulty.delay(Duration.ofMillis(10));
        try {
            bytesArriveIntactBothWaysAtOnce(1 << 20);
        } finally {
            faulty.pass();
        }
    }

    @ParameterizedTest(name = "{0} bytes each way")
    @ValueSource(ints = {0, 1, 1 << 20, 256 << 20})
    void bytesArriveIntactBothWaysAtOnce(int size) throws Exception {
        // Data flows on the first path at once; the transfer starts once the others joined, so that all carry data.
        mpp.transferBothWaysIntact(size, 3, () -> {});
        assertTrue(Await.until(() -> !mpp.node.node().endedSessions().isEmpty()
                && mpp.node.node().sessions().isEmpty(), 10_000), "the session ends once both directions are done");
        SessionSummary session = mpp.lastOpened();
        assertEquals("done", session.endReason());
        if (size >= 1 << 20) {
            // The client waited for all three paths; the destination sends at once, on the first path alone
            // until the others join, so downstream only the large payload is sure to use them all.
            for (PathStats path : session.paths()) {
                assertTrue(path.bytesSent() > 0, "every path carried data upstream: " + session);
                assertTrue(size < 256 << 20 || path.bytesReceived() > 0, "every path carried data downstream: " + session);
            }
        }
        assertTrue(session.bytesSent() >= size, "every byte was sent: " + session);
    }
}
