package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.FaultyRelay;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A path whose session ended cleanly stays open for the next session on the same relay chain
 * (docs/mpp-protocol.md, section 10.1): the next session skips the relays' handshakes, its bytes
 * still arrive intact, and a parked path goes away when its time is up, when the peer drops it,
 * or when the node stops.
 */
class PathReuseTest {
    private static final String ROUND_ROBIN = ", \"scheduler\": \"round-robin\""; // every path carries data
    private final List<FaultyRelay> relays = new ArrayList<>();
    private MultipathFixture mpp;

    private List<String> twoRelays() throws IOException {
        for (int i = 0; i < 2; i++) {
            relays.add(FaultyRelay.start());
        }
        return relays.stream().map(FaultyRelay::uri).toList();
    }

    @AfterEach
    void stop() throws IOException {
        if (mpp != null) {
            mpp.close();
        }
        for (FaultyRelay r : relays) {
            r.close();
        }
    }

    private int dialed() {
        return relays.stream().mapToInt(FaultyRelay::connectionsAccepted).sum();
    }

    private void sessionCarriesBothWaysOnEveryPath(int sessionsBefore) throws Exception {
        mpp.transferBothWaysIntact(1 << 20, 2, () -> {});
        assertTrue(Await.until(() -> mpp.node.node().endedSessions().size() > sessionsBefore
                && mpp.node.node().sessions().isEmpty(), 10_000), "the session ended");
        SessionSummary session = mpp.lastOpened();
        assertEquals("done", session.endReason(), session.toString());
        for (PathStats path : session.paths()) {
            assertTrue(path.bytesSent() > 0, "every path carried data upstream: " + session);
        }
    }

    @Test
    void theNextSessionRidesThePathsThePreviousOneLeftWithoutDialingTheRelaysAgain() throws Exception {
        mpp = MultipathFixture.start(twoRelays(), ROUND_ROBIN, ROUND_ROBIN + ", \"keepPaths\": \"30s\"");
        sessionCarriesBothWaysOnEveryPath(0);
        assertEquals(2, dialed(), "one connection per relay");

        sessionCarriesBothWaysOnEveryPath(1);
        sessionCarriesBothWaysOnEveryPath(2);
        assertEquals(2, dialed(), "the later sessions used the parked connections");
        assertEquals(2, relays.stream().mapToInt(FaultyRelay::openConnections).sum(), "both wait for the next session");
    }

    @Test
    void parkedPathsAreClosedWhenTheirTimeIsUp() throws Exception {
        mpp = MultipathFixture.start(twoRelays(), ROUND_ROBIN, ROUND_ROBIN + ", \"keepPaths\": \"1s\"");
        sessionCarriesBothWaysOnEveryPath(0);
        assertTrue(Await.until(() -> relays.stream().allMatch(r -> r.openConnections() == 0), 5_000),
                "parked connections closed after keepPaths");
        assertEquals(0, mpp.peer.openConnections(), "and B let go of them too");

        sessionCarriesBothWaysOnEveryPath(1);
        assertEquals(4, dialed(), "the next session dialed anew");
    }

    @Test
    void whenThePeerDropsParkedPathsFirstTheNextSessionDialsAnew() throws Exception {
        // B keeps a parked path 1 s, A would keep it 30 s: B closes them under A.
        mpp = MultipathFixture.start(twoRelays(), ROUND_ROBIN, ROUND_ROBIN + ", \"keepPaths\": \"1s\"",
                ROUND_ROBIN + ", \"keepPaths\": \"30s\"");
        sessionCarriesBothWaysOnEveryPath(0);
        assertTrue(Await.until(() -> relays.stream().allMatch(r -> r.openConnections() == 0), 5_000),
                "B closed its parked connections");

        sessionCarriesBothWaysOnEveryPath(1);
        assertEquals(4, dialed(), "the next session dialed anew");
    }

    @Test
    void aParkedPathThatStoppedAnsweringIsPassedOverWithoutWaitingOutTheHandshakeTimeout() throws Exception {
        // With 30 s to answer a handshake, a session that waited on the silent parked path would not open
        // within the route's 5 s connect timeout (MultipathFixture.FAST).
        String slowHandshakes = ", \"keepPaths\": \"30s\", \"handshakeTimeout\": \"30s\"";
        mpp = MultipathFixture.start(twoRelays(), ROUND_ROBIN, ROUND_ROBIN + slowHandshakes);
        sessionCarriesBothWaysOnEveryPath(0);
        relays.getFirst().stall(); // its parked connection stays open and says nothing
        try {
            mpp.transferBothWaysIntact(1 << 20, 1, () -> {});
        } finally {
            relays.getFirst().pass();
        }
    }

    @Test
    void withKeepPathsZeroEverySessionDialsItsOwnPaths() throws Exception {
        mpp = MultipathFixture.start(twoRelays(), ROUND_ROBIN, ROUND_ROBIN + ", \"keepPaths\": \"0s\"");
        sessionCarriesBothWaysOnEveryPath(0);
        sessionCarriesBothWaysOnEveryPath(1);
        assertEquals(4, dialed(), "two connections per session");
        assertTrue(Await.until(() -> relays.stream().allMatch(r -> r.openConnections() == 0), 5_000),
                "no connection outlives its session");
    }

    @Test
    void stoppingTheNodesClosesParkedPathsAtOnce() throws Exception {
        mpp = MultipathFixture.start(twoRelays(), ROUND_ROBIN, ROUND_ROBIN + ", \"keepPaths\": \"60s\"");
        sessionCarriesBothWaysOnEveryPath(0);
        assertEquals(2, relays.stream().mapToInt(FaultyRelay::openConnections).sum(), "parked");
        long start = System.nanoTime();
        mpp.close();
        mpp = null;
        assertTrue(Await.until(() -> relays.stream().allMatch(r -> r.openConnections() == 0), 5_000),
                "closed with the nodes");
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "without waiting out the shutdown grace");
    }
}
