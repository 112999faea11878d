package dev.mpp.runtime.session;

import dev.mpp.runtime.testkit.RunningNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.StreamDigest;
import dev.mpp.runtime.testkit.Streams;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Two nodes on loopback joined by a route: node A serves SOCKS5 and opens sessions to node B's
 * peer port over one path per relay given; B connects to the destinations.
 */
final class MultipathFixture implements AutoCloseable {
    static final String DIRECT = "direct";
    static final String KEY = "a-test-key-of-at-least-32-characters!";
    /** Short timeouts, so failure tests take seconds. */
    static final String FAST = "\"pathTimeout\": \"2s\", \"keepalive\": \"300ms\", \"reconnectBackoff\": \"200ms\", "
            + "\"reconnectBackoffMax\": \"1s\", \"sessionDeadline\": \"3s\", \"connectTimeout\": \"5s\"";

    final RunningNode peer;
    final RunningNode node;

    private MultipathFixture(RunningNode peer, RunningNode node) {
        this.peer = peer;
        this.node = node;
    }

    /**
     * @param relays     one {@code socks5://host:port} URI per path, or {@link #DIRECT} for a path without relays
     * @param routeExtra extra members of the route, e.g. {@code "fallback": "refuse"}, or ""
     * @param mppExtra   extra members of both nodes' mpp sections, or ""
     */
    static MultipathFixture start(List<String> relays, String routeExtra, String mppExtra) {
        return start(relays, routeExtra, mppExtra, mppExtra);
    }

    /** As {@link #start(List, String, String)}, with different extra mpp members for node B ({@code peerExtra}) and A. */
    static MultipathFixture start(List<String> relays, String routeExtra, String peerExtra, String nodeExtra) {
        RunningNode peer = RunningNode.start("{\"mpp\": {\"listen\": \"127.0.0.1:0\", \"peerKey\": \"" + KEY + "\", "
                + fast(peerExtra) + "}}");
        try {
            return new MultipathFixture(peer, nodeTo(peer.peerHostPort(), KEY, relays, routeExtra, nodeExtra));
        } catch (RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    /** A node A whose route sends everything to 127.0.0.1 to {@code peer} with {@code key}. */
    static RunningNode nodeTo(String peer, String key, List<String> relays, String routeExtra, String mppExtra) {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < relays.size(); i++) {
            String via = relays.get(i).equals(DIRECT) ? "" : ", \"via\": [\"" + relays.get(i) + "\"]";
            paths.add("{\"name\": \"p" + i + "\"" + via + "}");
        }
        return RunningNode.start("{\"socks\": {\"listen\": \"127.0.0.1:0\"}, \"mpp\": {\"peerKey\": \"" + key + "\", "
                + fast(mppExtra) + "}, \"routes\": [{\"match\": [\"127.0.0.1\"], \"peer\": \"" + peer + "\", \"paths\": ["
                + paths.stream().collect(Collectors.joining(", ")) + "]" + routeExtra + "}]}");
    }

    /** {@link #FAST} and {@code mppExtra}; paths stay parked between sessions for 1 s unless {@code mppExtra} says otherwise. */
    private static String fast(String mppExtra) {
        return FAST + (mppExtra.contains("\"keepPaths\"") ? "" : ", \"keepPaths\": \"1s\"") + mppExtra;
    }

    /** A client connection through node A's SOCKS5 listener (the JDK's own SOCKS client). */
    Socket connect(InetSocketAddress destination) throws IOException {
        Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, node.socksAddress()));
        socket.connect(destination, 10_000);
        return socket;
    }

    /** The newest session that ended on node A. */
    SessionSummary lastOpened() {
        List<SessionSummary> ended = node.node().endedSessions();
        if (ended.isEmpty()) {
            throw new AssertionError("no session has ended on node A");
        }
        return ended.getFirst();
    }

    /**
     * Sends {@code size} random bytes each way at once through a new client connection to a
     * destination on loopback, once all {@code paths} of its session are up, and checks both
     * streams by SHA-256 and length: every byte arrived, none twice, in order. {@code meanwhile}
     * runs on its own thread from the start of the transfer, and has ended when this returns.
     */
    void transferBothWaysIntact(int size, int paths, Runnable meanwhile) throws Exception {
        byte[] up = RandomPayload.bytes(size, size + 1L);
        byte[] down = RandomPayload.bytes(size, size + 2L);
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (TcpFixture destination = TcpFixture.duplex(InetAddress.getLoopbackAddress(), down, received);
             Socket client = connect(destination.address())) {
            assertTrue(Await.until(() -> node.node().sessions().stream().anyMatch(s -> s.pathsUp() == paths), 10_000),
                    paths + " paths up");
            Thread side = Thread.ofVirtual().start(meanwhile);
            CompletableFuture<Void> sent = Streams.sendAndHalfClose(client, up);
            StreamDigest got = StreamDigest.of(client.getInputStream());
            Streams.await(sent);
            side.join();
            assertEquals(StreamDigest.of(down), got, "destination to client");
            assertEquals(StreamDigest.of(up), received.get(60, TimeUnit.SECONDS), "client to destination");
        }
    }


    @Override
    public void close() {
        node.close();
        peer.close();
    }
}
