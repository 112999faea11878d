package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.KernelSockets;
import dev.mpp.runtime.testkit.NoLeaks;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.SocksWire;
import dev.mpp.runtime.testkit.UdpEchoServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * UDP ASSOCIATE end to end (RFC 1928 section 7), with a raw client and a UDP echo server. The
 * node listens on 127.0.0.2, so the relay's address in the reply shows which interface it is
 * bound to; the client, coming from 127.0.0.1, sends its datagrams from 127.0.0.1.
 *
 * <p>"No datagram came back" is never the only evidence that one was dropped: the echo server
 * records what reached it, and a valid datagram sent after the dropped one, answered in order,
 * shows the dropped one would have arrived by then.
 */
@Timeout(60)
class UdpAssociateTest {
    private static final long SEED = 0x0d9_2026L;
    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress SECOND_LOOPBACK = InetAddress.ofLiteral("127.0.0.2");
    /** How long a test waits for a datagram that must not come, on top of the proof by order. */
    private static final int SILENCE_MILLIS = 300;

    private static RunningNode node;
    private static UdpEchoServer echo;
    @RegisterExtension
    final NoLeaks noLeaks = new NoLeaks(() -> new RunningNode[] {node});

    @BeforeAll
    static void start() throws IOException {
        echo = new UdpEchoServer();
        node = RunningNode.start("{\"socks\": {\"listen\": \"127.0.0.2:0\"}}");
        try (SocksWire control = SocksWire.connect(node.socksAddress()); DatagramSocket client = clientSocket(LOOPBACK)) {
            InetSocketAddress relay = associate(control, null);
            assertEchoed(client, relay, SocksWire.address(echo.address()), new byte[] {1});
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        echo.close();
    }

    @Test
    void datagramsToAnIpv4DestinationComeBackWrappedWithTheirSource() throws IOException {
        try (SocksWire control = SocksWire.connect(node.socksAddress()); DatagramSocket client = clientSocket(LOOPBACK)) {
            InetSocketAddress relay = associate(control, null);
            int seed = 0;
            for (int size : new int[] {0, 1, 512, 8192, 60_000}) {
                byte[] payload = RandomPayload.bytes(size, SEED + seed++);
                SocksWire.UdpDatagram back = assertEchoed(client, relay, SocksWire.address(echo.address()), payload);
                assertEquals(0x01, back.header().atyp());
                assertEquals(echo.address(), back.header().address(), "the header names the datagram's source");
            }
        }
    }

    @Test
    void datagramsToADomainNameGoToWhatItResolvesTo() throws IOException {
        try (SocksWire control = SocksWire.connect(node.socksAddress()); DatagramSocket client = clientSocket(LOOPBACK)) {
            InetSocketAddress relay = associate(control, null);
            byte[] payload = RandomPayload.bytes(1000, SEED);
            SocksWire.UdpDatagram back = assertEchoed(client, relay, SocksWire.address("dest.test", echo.port()), payload);
            assertEquals(0x01, back.header().atyp(), "the reply names the source's address, not the name");
            assertEquals(echo.address(), back.header().address());
        }
    }

    @Test
    void relayIsBoundToTheListenersAddressOnly() throws IOException {
        try (SocksWire control = SocksWire.connect(node.socksAddress()); DatagramSocket client = clientSocket(LOOPBACK)) {
            InetSocketAddress relay = associate(control, null);
            assertEquals(node.socksAddress().getAddress(), relay.getAddress(), "BND.ADDR of the UDP relay");
            assertNotEquals(0, relay.getPort());
            Set<InetAddress> bound = KernelSockets.udpBound(relay.getPort());
            assertTrue(bound.contains(SECOND_LOOPBACK), "the kernel has no UDP socket on " + relay + ": " + bound);
            assertFalse(bound.stream().anyMatch(InetAddress::isAnyLocalAddress), "the relay is on the wildcard address");
            assertEchoed(client, relay, SocksWire.address(echo.address()), new byte[] {42});
        }
    }

    @Test
    void fragmentsAreDroppedAndTheAssociationGoesOn() throws IOException {
        try (SocksWire control = SocksWire.connect(node.socksAddress()); DatagramSocket client = clientSocket(LOOPBACK)) {
            InetSocketAddress relay = associate(control, null);
            int before = echo.received().size();
            byte[] destination = SocksWire.address(echo.address());
            for (int frag : new int[] {0x01, 0x02, 0x7F, 0x80, 0x81, 0xFF}) {
                send(client, relay, SocksWire.udp(frag, destination, marker("fragment", frag)));
            }
            assertSilent(client);
            byte[] whole = RandomPayload.bytes(100, SEED);
            assertEchoed(client, relay, destination, whole);
            assertReachedSince(before, whole);
        }
    }

    @Test
    void datagramsFromAnyOtherSourceAreDropped() throws IOException {
        try (SocksWire control = SocksWire.connect(node.socksAddress());
             DatagramSocket client = clientSocket(LOOPBACK);
             DatagramSocket otherPort = clientSocket(LOOPBACK);
             DatagramSocket otherAddress = clientSocket(SECOND_LOOPBACK)) {
            InetSocketAddress relay = associate(control, null);
            int before = echo.received().size();
            byte[] destination = SocksWire.address(echo.address());
            byte[] first = RandomPayload.bytes(10, SEED);
            assertEchoed(client, relay, destination, first); // the relay learns the client's port from this one

            send(otherPort, relay, SocksWire.udp(0, destination, marker("other port", otherPort.getLocalPort())));
            send(otherAddress, relay, SocksWire.udp(0, destination, marker("other address", 0)));
            assertSilent(otherPort);
            assertSilent(otherAddress);
            byte[] second = RandomPayload.bytes(10, SEED + 1);
            assertEchoed(client, relay, destination, second);
            assertReachedSince(before, first, second);
        }
    }

    @Test
    void announcedClientPortIsTheOnlySourceAcceptedEvenForTheFirstDatagram() throws IOException {
        try (SocksWire control = SocksWire.connect(node.socksAddress());
             DatagramSocket client = clientSocket(LOOPBACK);
             DatagramSocket otherPort = clientSocket(LOOPBACK)) {
            InetSocketAddress relay = associate(control, (InetSocketAddress) client.getLocalSocketAddress());
            int before = echo.received().size();
            byte[] destination = SocksWire.address(echo.address());
            send(otherPort, relay, SocksWire.udp(0, destination, marker("unannounced port", otherPort.getLocalPort())));
            assertSilent(otherPort);
            byte[] payload = RandomPayload.bytes(10, SEED);
            assertEchoed(client, relay, destination, payload);
            assertReachedSince(before, payload);
        }
    }

    @Test
    void malformedDatagramsAreDroppedAndTheAssociationGoesOn() throws IOException {
        List<byte[]> malformed = List.of(
                new byte[0],
                new byte[] {0},
                new byte[] {0, 0, 0},
                new byte[] {0, 0, 0, 1, 127, 0},                 // IPv4 address cut short
                new byte[] {0, 0, 0, 1, 127, 0, 0, 1, 0},        // port cut short
                new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0}, // IPv6 address cut short
                new byte[] {0, 0, 0, 3},                         // no name length
                new byte[] {0, 0, 0, 3, 0},                      // empty name, no port
                new byte[] {0, 0, 0, 3, 0, 0},                   // empty name, half a port
                new byte[] {0, 0, 0, 3, 0, 0, 80, 'x'},          // empty name
                new byte[] {0, 0, 0, 3, 9, 'd', 'e', 's'},       // name cut short
                new byte[] {0, 0, 0, 9, 127, 0, 0, 1, 0, 80},    // unknown address type
                new byte[] {1, 0, 0, 1, 127, 0, 0, 1, 0, 80},    // reserved bytes not zero
                new byte[] {0, 1, 0, 1, 127, 0, 0, 1, 0, 80});
        try (SocksWire control = SocksWire.connect(node.socksAddress()); DatagramSocket client = clientSocket(LOOPBACK)) {
            InetSocketAddress relay = associate(control, null);
            int before = echo.received().size();
            for (byte[] datagram : malformed) {
                send(client, relay, datagram);
            }
            assertSilent(client);
            byte[] payload = RandomPayload.bytes(64, SEED);
            assertEchoed(client, relay, SocksWire.address(echo.address()), payload);
            assertReachedSince(before, payload);
        }
    }

    @Test
    void undeliverableDatagramIsDroppedAndTheAssociationGoesOn() throws IOException {
        try (SocksWire control = SocksWire.connect(node.socksAddress()); DatagramSocket client = clientSocket(LOOPBACK)) {
            InetSocketAddress relay = associate(control, null);
            int before = echo.received().size();
            // Port 0 is well-formed on the wire, but no datagram can be sent to it.
            send(client, relay, SocksWire.udp(0, SocksWire.address(new InetSocketAddress(LOOPBACK, 0)), marker("port", 0)));
            assertSilent(client);
            byte[] payload = RandomPayload.bytes(64, SEED);
            assertEchoed(client, relay, SocksWire.address(echo.address()), payload);
            assertReachedSince(before, payload);
        }
    }

    @Test
    void associationEndsWithItsTcpConnection() throws Exception {
        InetSocketAddress relay;
        int before;
        try (DatagramSocket client = clientSocket(LOOPBACK)) {
            try (SocksWire control = SocksWire.connect(node.socksAddress())) {
                relay = associate(control, null);
                before = echo.received().size();
                assertEchoed(client, relay, SocksWire.address(echo.address()), new byte[] {7});
            }
            Await.until(() -> node.openConnections() == 0, SocksWire.TIMEOUT_MILLIS);
            assertEquals(0, node.openConnections(), "the association outlived its TCP connection");
            assertFalse(KernelSockets.udpBound(relay.getPort()).contains(SECOND_LOOPBACK), "the relay socket is still bound");
            // Nothing listens on the relay's port any more: the kernel answers with ICMP port unreachable.
            client.connect(relay);
            byte[] late = SocksWire.udp(0, SocksWire.address(echo.address()), marker("after close", 0));
            client.send(new DatagramPacket(late, late.length));
            assertThrows(PortUnreachableException.class, () -> client.receive(new DatagramPacket(new byte[100], 100)));
        }
        try (DatagramSocket reuse = new DatagramSocket(relay)) {
            assertEquals(relay, reuse.getLocalSocketAddress(), "the relay's port is free again");
        }
        assertReachedSince(before, new byte[] {7});
    }

    @Test
    void anAssociationWithNoDatagramsForTheIdleTimeoutEndsButTrafficKeepsItAlive() throws Exception {
        try (RunningNode idle = RunningNode.start("{\"socks\": {\"listen\": \"127.0.0.2:0\", \"idleTimeout\": \"600ms\"}}");
             DatagramSocket client = clientSocket(LOOPBACK);
             SocksWire control = SocksWire.connect(idle.socksAddress())) {
            InetSocketAddress relay = associate(control, null);
            long lastDatagram = 0;
            for (int i = 0; i < 6; i++) { // 1.2 s of traffic: twice the idle timeout
                assertEchoed(client, relay, SocksWire.address(echo.address()), new byte[] {(byte) i});
                lastDatagram = System.nanoTime();
                Thread.sleep(200);
            }
            assertEquals(1, idle.openConnections(), "an association carrying datagrams is not idle");
            SocksWire.Ending ending = control.readUntilClosed(SocksWire.TIMEOUT_MILLIS);
            assertEquals(0, ending.bytes().length);
            long silence = (System.nanoTime() - lastDatagram) / 1_000_000;
            assertTrue(silence >= 600, "closed after " + silence + " ms of silence, before the 600 ms idle timeout");
        }
    }

    /** Asks for an association; {@code clientUdp} is the announced source, or null to announce 0.0.0.0:0. */
    private static InetSocketAddress associate(SocksWire control, InetSocketAddress clientUdp) throws IOException {
        InetSocketAddress announced = clientUdp != null ? clientUdp : new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 0);
        control.greetNoAuth();
        SocksWire.Reply reply = control.request(SocksWire.UDP_ASSOCIATE, SocksWire.address(announced));
        assertEquals(0x00, reply.code(), "UDP ASSOCIATE reply");
        return reply.address();
    }

    private static DatagramSocket clientSocket(InetAddress address) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
        socket.setSoTimeout(SocksWire.TIMEOUT_MILLIS);
        return socket;
    }

    private static void send(DatagramSocket from, InetSocketAddress relay, byte[] datagram) throws IOException {
        from.send(new DatagramPacket(datagram, datagram.length, relay));
    }

    /** Sends {@code payload} to the echo server through the relay and checks what comes back. */
    private static SocksWire.UdpDatagram assertEchoed(DatagramSocket client, InetSocketAddress relay, byte[] destination,
                                                      byte[] payload) throws IOException {
        send(client, relay, SocksWire.udp(0, destination, payload));
        DatagramPacket packet = new DatagramPacket(new byte[65_535], 65_535);
        client.receive(packet);
        assertEquals(relay, packet.getSocketAddress(), "replies come from the relay's address");
        SocksWire.UdpDatagram back = SocksWire.parseUdp(packet.getData(), packet.getLength());
        assertEquals(0, back.header().code(), "FRAG of a reply");
        assertArrayEquals(payload, back.payload(), "payload of " + payload.length + " bytes");
        return back;
    }

    private static void assertSilent(DatagramSocket socket) throws IOException {
        socket.setSoTimeout(SILENCE_MILLIS);
        try {
            DatagramPacket packet = new DatagramPacket(new byte[65_535], 65_535);
            assertThrows(SocketTimeoutException.class, () -> socket.receive(packet),
                    "a datagram the relay should have dropped was answered");
        } finally {
            socket.setSoTimeout(SocksWire.TIMEOUT_MILLIS);
        }
    }

    /** Since the echo server had seen {@code before} datagrams, it saw exactly {@code expected}, in this order. */
    private static void assertReachedSince(int before, byte[]... expected) {
        List<byte[]> received = echo.received();
        List<String> since = received.subList(before, received.size()).stream().map(UdpAssociateTest::printable).toList();
        assertEquals(Arrays.stream(expected).map(UdpAssociateTest::printable).toList(), since,
                "what reached the destination (a dropped datagram must not)");
    }

    private static String printable(byte[] payload) {
        return java.util.HexFormat.of().formatHex(payload);
    }

    private static byte[] marker(String what, int n) {
        return ("dropped:" + what + ":" + n).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
