package dev.mpp.runtime.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fault-injecting relay the multipath tests put on a path: a correct SOCKS5 server while it
 * passes, and each fault does what it says to connections already relaying, in the middle of a
 * transfer: {@code reset()} is a reset and {@code closeConnections()} an end of stream on both
 * sides, {@code stall()} is silence on a connection that stays open until {@code pass()} resumes
 * it intact, and {@code slow}, {@code slice} and {@code delay} shape the bytes without changing them.
 * Closing the relay leaves no thread or socket behind.
 */
@Timeout(60)
class FaultyRelayTest {
    private static final long SEED = 0xfa_0172L;
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int TIMEOUT_MILLIS = 20_000;
    private static final int STALL_READ_MILLIS = 500;

    @RegisterExtension
    final NoLeaks noLeaks = new NoLeaks(() -> new RunningNode[0]); // each test closes its own relay

    @Test
    void passesEightMiBEachWayIntactAndCountsThem() throws Exception {
        byte[] up = RandomPayload.bytes(8 * MIB + 13, SEED);
        byte[] down = RandomPayload.bytes(8 * MIB + 7, SEED + 1);
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (FaultyRelay relay = FaultyRelay.start();
             TcpFixture server = TcpFixture.duplex(InetAddress.getLoopbackAddress(), down, received)) {
            assertEquals("socks5://127.0.0.1:" + relay.address().getPort(), relay.uri());
            try (Socket socket = connect(relay, server)) {
                CompletableFuture<Void> sent = Streams.sendAndHalfClose(socket, up);
                assertEquals(StreamDigest.of(down), StreamDigest.of(socket.getInputStream()), "bytes from the destination, seed " + SEED);
                Streams.await(sent);
                assertEquals(StreamDigest.of(up), received.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "bytes to the destination, seed " + SEED);
                assertEquals(1, relay.connectionsAccepted());
                assertEquals(up.length + down.length, relay.bytesRelayed(), "bytes relayed, both directions");
            }
            assertTrue(Await.until(() -> relay.openConnections() == 0, TIMEOUT_MILLIS),
                    "the connection is still open after both sides ended: " + relay.openConnections());
        }
    }

    @ParameterizedTest(name = "ATYP {0}: {1}")
    @CsvSource({"1, 127.0.0.1, 127.0.0.1", "3, localhost, 127.0.0.1", "4, ::1, ::1"})
    void connectsToEachAddressTypeAndRepliesWithTheBoundAddress(int atyp, String host, String serverIp) throws IOException {
        try (FaultyRelay relay = FaultyRelay.start();
             TcpFixture echo = echo(InetAddress.ofLiteral(serverIp));
             SocksWire wire = SocksWire.connect(relay.address())) {
            wire.greetNoAuth();
            byte[] address = SocksWire.address(host, echo.port());
            assertEquals(atyp, address[0], "the test sends the address type it names");
            SocksWire.Reply reply = wire.request(SocksWire.CONNECT, address);
            assertEquals(0x00, reply.code(), reply::toString);
            assertEquals(InetAddress.ofLiteral(serverIp), reply.address().getAddress(), "BND.ADDR: " + reply);
            assertTrue(reply.port() > 0, "BND.PORT: " + reply);
            wire.send(1, 2, 3);
            assertArrayEquals(new byte[] {1, 2, 3}, wire.read(3));
        }
    }

    @Test
    void selectsNoAuthenticationAmongTheMethodsOfferedAndRefusesAClientWithoutIt() throws IOException {
        try (FaultyRelay relay = FaultyRelay.start()) {
            try (SocksWire wire = SocksWire.connect(relay.address())) {
                assertEquals(0x00, wire.greet(0x02, 0x00));
            }
            try (SocksWire wire = SocksWire.connect(relay.address())) {
                assertEquals(0xFF, wire.greet(0x02));
                assertEquals(0, wire.readUntilClosed(TIMEOUT_MILLIS).bytes().length);
            }
        }
    }

    @Test
    void anOnwardConnectToAClosedPortIsRepliedConnectionRefused() throws IOException {
        try (FaultyRelay relay = FaultyRelay.start(); SocksWire wire = SocksWire.connect(relay.address())) {
            wire.greetNoAuth();
            SocksWire.Reply reply = wire.request(SocksWire.CONNECT, SocksWire.address("127.0.0.1", TcpFixture.closedPort("127.0.0.1")));
            assertEquals(0x05, reply.code(), reply::toString);
            SocksWire.Ending ending = wire.readUntilClosed(TIMEOUT_MILLIS);
            assertEquals(0, ending.bytes().length);
            assertTrue(!ending.reset(), "a refusal ends with a FIN, not a reset");
        }
    }

    @Test
    void aCommandOtherThanConnectIsRepliedCommandNotSupported() throws IOException {
        try (FaultyRelay relay = FaultyRelay.start(); SocksWire wire = SocksWire.connect(relay.address())) {
            wire.greetNoAuth();
            assertEquals(0x07, wire.request(SocksWire.BIND, SocksWire.address("127.0.0.1", 1)).code());
        }
    }

    // A socket reports a reset to one call only: each side below has a single call in progress (a
    // read or a write), so that it is that call which must fail, rather than end the stream.

    @Test
    void resetMidDownloadFailsTheClientsReadAndTheDestinationsWriteWithAReset() throws Exception {
        CompletableFuture<String> serverEnding = new CompletableFuture<>();
        try (FaultyRelay relay = FaultyRelay.start();
             TcpFixture server = TcpFixture.start(socket -> serverEnding.complete(writeUntilFailure(socket)));
             Socket socket = connect(relay, server)) {
            InputStream in = socket.getInputStream();
            in.readNBytes(MIB);
            relay.reset();
            IOException e = assertThrows(IOException.class, () -> StreamDigest.of(in), "the client read to a clean end of stream");
            assertTrue(String.valueOf(e.getMessage()).contains("reset"), "the client's read failed with " + e);
            assertTrue(serverEnding.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).contains("reset"),
                    "the destination's write failed with " + serverEnding.join());
            assertTrue(Await.until(() -> relay.openConnections() == 0, TIMEOUT_MILLIS), "a reset connection is still open");
        }
    }

    @Test
    void resetMidUploadFailsTheClientsWriteAndTheDestinationsReadWithAReset() throws Exception {
        CompletableFuture<String> serverEnding = new CompletableFuture<>();
        try (FaultyRelay relay = FaultyRelay.start();
             TcpFixture server = TcpFixture.start(socket -> serverEnding.complete(readUntilEnd(socket)));
             Socket socket = connect(relay, server)) {
            CompletableFuture<Void> sending = sendForever(socket);
            assertTrue(Await.until(() -> relay.bytesRelayed() > MIB, TIMEOUT_MILLIS), "the upload did not start");
            relay.reset();
            ExecutionException e = assertThrows(ExecutionException.class, () -> sending.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
            assertTrue(String.valueOf(e.getCause().getMessage()).contains("reset"), "the client's write failed with " + e.getCause());
            assertTrue(serverEnding.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).contains("reset"),
                    "the destination's read ended with " + serverEnding.join());
            assertTrue(Await.until(() -> relay.openConnections() == 0, TIMEOUT_MILLIS), "a reset connection is still open");
        }
    }

    @Test
    void closeConnectionsMidTransferGivesBothSidesAnEndOfStreamAndLaterConnectionsPass() throws Exception {
        byte[] payload = RandomPayload.bytes(8 * MIB, SEED);
        CompletableFuture<String> serverEnding = new CompletableFuture<>();
        try (FaultyRelay relay = FaultyRelay.start();
             TcpFixture server = TcpFixture.start(socket -> serverEnding.complete(echoUntilEnd(socket)))) {
            try (Socket socket = connect(relay, server)) {
                CompletableFuture<Void> sent = Streams.sendAndHalfClose(socket, payload);
                InputStream in = socket.getInputStream();
                byte[] first = in.readNBytes(MIB);
                relay.closeConnections();
                byte[] rest = in.readAllBytes(); // throws on a reset
                int total = first.length + rest.length;
                assertTrue(total < payload.length, "the whole payload came back: the close was not mid-transfer");
                ByteArrayOutputStream echoed = new ByteArrayOutputStream();
                echoed.write(first);
                echoed.write(rest);
                assertEquals(StreamDigest.of(Arrays.copyOf(payload, total)), StreamDigest.of(echoed.toByteArray()),
                        "what came before the end, seed " + SEED);
                assertEquals("end of stream", serverEnding.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "the destination's read");
                Streams.await(sent); // the relay reads and drops the rest, so the client's writes never fail
            }
            assertTrue(Await.until(() -> relay.openConnections() == 0, TIMEOUT_MILLIS), "a closed connection is still open");
            try (Socket later = connect(relay, server)) {
                assertEchoes(later, RandomPayload.bytes(64 * KIB, SEED + 1));
            }
        }
    }

    @Test
    void stallSilencesAnOpenConnectionAndPassResumesItIntact() throws Exception {
        byte[] payload = RandomPayload.bytes(8 * MIB, SEED);
        try (FaultyRelay relay = FaultyRelay.start(); TcpFixture echo = echo(InetAddress.getLoopbackAddress());
             Socket socket = connect(relay, echo)) {
            CompletableFuture<Void> sent = Streams.sendAndHalfClose(socket, payload);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            echoed.write(in.readNBytes(MIB));
            relay.stall();
            // What was already on its way arrives; then the reads time out, on a connection that stays open.
            socket.setSoTimeout(STALL_READ_MILLIS);
            byte[] buffer = new byte[64 * KIB];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    echoed.write(buffer, 0, n);
                }
                throw new AssertionError("the stream ended during a stall, after " + echoed.size() + " bytes");
            } catch (SocketTimeoutException expected) {
                // silence
            }
            long relayed = relay.bytesRelayed();
            assertThrows(SocketTimeoutException.class, () -> in.read(buffer), "bytes came during a stall");
            assertEquals(relayed, relay.bytesRelayed(), "bytes relayed during a stall");
            assertTrue(echoed.size() < payload.length, "the whole payload came back: nothing was stalled");

            relay.pass();
            socket.setSoTimeout(TIMEOUT_MILLIS);
            echoed.write(in.readAllBytes());
            Streams.await(sent);
            assertEquals(StreamDigest.of(payload), StreamDigest.of(echoed.toByteArray()), "echoed across the stall, seed " + SEED);
        }
    }

    @Test
    void stallKeepsANewConnectionWithoutAnswerUntilPass() throws IOException {
        try (FaultyRelay relay = FaultyRelay.start(); TcpFixture echo = echo(InetAddress.getLoopbackAddress())) {
            relay.stall();
            try (SocksWire wire = SocksWire.connect(relay.address())) {
                wire.send(0x05, 0x01, 0x00);
                wire.socket().setSoTimeout(STALL_READ_MILLIS);
                assertThrows(SocketTimeoutException.class, () -> wire.socket().getInputStream().read(), "a stalled relay answered");
                assertEquals(1, relay.connectionsAccepted(), "a stalled relay still accepts TCP");

                relay.pass();
                assertArrayEquals(new byte[] {0x05, 0x00}, wire.read(2), "method selection after pass()");
                assertEquals(0x00, wire.request(SocksWire.CONNECT, SocksWire.address(echo.address())).code());
                wire.send(7);
                assertArrayEquals(new byte[] {7}, wire.read(1));
            }
        }
    }

    @Test
    void slowHoldsADirectionToItsRate() throws Exception {
        byte[] payload = RandomPayload.bytes(128 * KIB, SEED);
        CompletableFuture<StreamDigest> received = new CompletableFuture<>();
        try (FaultyRelay relay = FaultyRelay.start(); TcpFixture sink = TcpFixture.sink(received);
             Socket socket = connect(relay, sink)) {
            relay.slow(64 * KIB);
            long start = System.nanoTime();
            Streams.sendAndHalfClose(socket, payload);
            assertEquals(StreamDigest.of(payload), received.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "seed " + SEED);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 1_500, "128 KiB at 64 KiB/s took only " + millis + " ms");
        }
    }

    @Test
    void sliceOfOneByteStillDeliversIntact() throws IOException {
        try (FaultyRelay relay = FaultyRelay.start(); TcpFixture echo = echo(InetAddress.getLoopbackAddress());
             Socket socket = connect(relay, echo)) {
            relay.slice(1);
            assertEchoes(socket, RandomPayload.bytes(64 * KIB + 3, SEED));
        }
    }

    @Test
    void delayHoldsEachChunkInEachDirectionAndKeepsTheirOrder() throws IOException {
        try (FaultyRelay relay = FaultyRelay.start(); TcpFixture echo = echo(InetAddress.getLoopbackAddress());
             SocksWire wire = SocksWire.connect(relay.address())) {
            wire.greetNoAuth();
            assertEquals(0x00, wire.request(SocksWire.CONNECT, SocksWire.address(echo.address())).code());
            relay.delay(Duration.ofMillis(200));
            long start = System.nanoTime();
            for (int i = 1; i <= 3; i++) {
                wire.send(i); // three chunks, 20 ms apart: each is held on its own
                Await.sleep(20);
            }
            assertArrayEquals(new byte[] {1, 2, 3}, wire.read(3));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 400, "a round trip through two 200 ms delays took " + millis + " ms");
        }
    }

    @Test
    void sliceDelayAndSlowCombineAndStillDeliverIntact() throws IOException {
        try (FaultyRelay relay = FaultyRelay.start(); TcpFixture echo = echo(InetAddress.getLoopbackAddress());
             Socket socket = connect(relay, echo)) {
            relay.slice(7);
            relay.delay(Duration.ofMillis(20));
            relay.slow(4 * MIB);
            assertEchoes(socket, RandomPayload.bytes(256 * KIB + 5, SEED));
        }
    }

    @Test
    void closeEndsEveryConnectionWhateverItsStateAndLeavesNothingBehind() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (TcpFixture echo = echo(InetAddress.getLoopbackAddress())) {
            FaultyRelay relay = FaultyRelay.start();
            try {
                Socket relaying = connect(relay, echo);
                clients.add(relaying);
                relaying.getOutputStream().write(1);
                assertEquals(1, relaying.getInputStream().read(), "echoed");
                Socket delayed = connect(relay, echo);
                clients.add(delayed);
                relay.delay(Duration.ofSeconds(30));
                delayed.getOutputStream().write(new byte[64 * KIB]); // held in the delay line
                relay.slow(1);
                Socket slowed = connect(relay, echo);
                clients.add(slowed);
                slowed.getOutputStream().write(new byte[4 * KIB]);
                relay.stall();
                Socket stalled = SocksWire.connect(relay.address()).socket(); // in the handshake, unanswered
                clients.add(stalled);
                stalled.getOutputStream().write(new byte[] {0x05, 0x01, 0x00});
                assertTrue(Await.until(() -> relay.openConnections() == 4, TIMEOUT_MILLIS), "connections open");
            } finally {
                relay.close();
            }
            assertEquals(0, relay.openConnections(), "connections open once close() returned");
            for (Socket client : clients) {
                client.setSoTimeout(TIMEOUT_MILLIS);
                try {
                    client.getInputStream().readAllBytes();
                } catch (IOException resetIsAnEndToo) {
                    // a connection closed with unread bytes ends with a reset
                }
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    // Helpers.

    private static TcpFixture echo(InetAddress address) throws IOException {
        return TcpFixture.start(address, socket -> {
            socket.getInputStream().transferTo(socket.getOutputStream());
            socket.shutdownOutput();
        });
    }

    /** Through the JDK's SOCKS client, which offers no authentication and sends ATYP 1. */
    private static Socket connect(FaultyRelay relay, TcpFixture server) throws IOException {
        Socket socket = new Socket(relay.proxy());
        try {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(server.address(), TIMEOUT_MILLIS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code payload}, half-closes, and checks the whole echo came back to the end of stream. */
    private static void assertEchoes(Socket socket, byte[] payload) throws IOException {
        assertEquals(StreamDigest.of(payload), StreamDigest.of(Streams.sendAndReceive(socket, payload)), "echoed, seed " + SEED);
    }

    /** Echoes until the stream ends; returns how: {@code "end of stream"} or the failure's message. */
    private static String echoUntilEnd(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[64 * KIB];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            return "end of stream";
        } catch (IOException e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** Reads to the end of the stream; returns how it ended: {@code "end of stream"} or the failure's message. */
    private static String readUntilEnd(Socket socket) {
        try {
            StreamDigest.of(socket.getInputStream());
            return "end of stream";
        } catch (IOException e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** Writes until a write fails; returns that failure's message. */
    private static String writeUntilFailure(Socket socket) {
        byte[] chunk = RandomPayload.bytes(64 * KIB, SEED);
        try {
            OutputStream out = socket.getOutputStream();
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** Writes until a write fails, on a virtual thread; the future fails with that write's exception. */
    private static CompletableFuture<Void> sendForever(Socket socket) {
        CompletableFuture<Void> failed = new CompletableFuture<>();
        byte[] chunk = RandomPayload.bytes(64 * KIB, SEED);
        Thread.ofVirtual().name("test-endless-writer").start(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                failed.completeExceptionally(e);
            }
        });
        return failed;
    }
}
