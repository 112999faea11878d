package dev.mpp.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.testkit.Await;
import dev.mpp.runtime.testkit.MppProcess;
import dev.mpp.runtime.testkit.RandomPayload;
import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.TcpFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shutdown stops accepting at once, lets open connections finish within the grace period, then closes them. */
class GracefulShutdownTest {
    private TcpFixture echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = TcpFixture.echo();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void openConnectionFinishesWithinTheGracePeriodWhileNewOnesAreRefused() throws Exception {
        RunningNode node = start("10s");
        InetSocketAddress socks = node.socksAddress();
        try (Socket client = new Socket(node.proxy())) {
            client.setSoTimeout(10_000);
            client.connect(echo.address());
            byte[] first = RandomPayload.bytes(1 << 20, 1);
            byte[] second = RandomPayload.bytes(1 << 20, 2);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(first);
            assertArrayEquals(first, in.readNBytes(first.length));

            long start = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(node::closeGracefully);
            awaitRefused(socks);

            out.write(second);
            assertArrayEquals(second, in.readNBytes(second.length), "the open connection is still served");
            client.shutdownOutput();
            assertEquals(-1, in.read());
            closing.get();
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0,
                    "shutdown waited for the whole grace period although the connection had ended");
        }
    }

    @Test
    void connectionsStillOpenAfterTheGracePeriodAreClosed() throws Exception {
        RunningNode node = start("300ms");
        try (Socket client = new Socket(node.proxy())) {
            client.setSoTimeout(10_000);
            client.connect(echo.address());
            client.getOutputStream().write(42);
            assertEquals(42, client.getInputStream().read());
            node.closeGracefully();
            int read;
            try {
                read = client.getInputStream().read();
            } catch (IOException reset) {
                read = -1;
            }
            assertEquals(-1, read, "the node must close what is left after the grace period");
        }
    }

    @Test
    void sigtermDrainsTheOpenConnectionThenExits(@TempDir Path dir) throws Exception {
        try (MppProcess mpp = MppProcess.start("{\"socks\": {\"listen\": \"127.0.0.1:0\", \"shutdownGrace\": \"10s\"}}",
                dir, argv -> argv)) {
            InetSocketAddress socks = new InetSocketAddress(InetAddress.getLoopbackAddress(), mpp.socksPort());
            try (Socket client = new Socket(new Proxy(Proxy.Type.SOCKS, socks))) {
                client.setSoTimeout(10_000);
                client.connect(echo.address());
                byte[] payload = RandomPayload.bytes(1 << 20, 3);
                client.getOutputStream().write(payload);
                assertArrayEquals(payload, client.getInputStream().readNBytes(payload.length));

                mpp.process().destroy(); // SIGTERM
                awaitRefused(socks);
                client.getOutputStream().write(payload);
                assertArrayEquals(payload, client.getInputStream().readNBytes(payload.length), "drained after SIGTERM");
                assertTrue(mpp.process().isAlive(), "exited before its open connection ended");
            }
            assertTrue(mpp.process().waitFor(10, TimeUnit.SECONDS), "did not exit once its connection ended");
            assertEquals(143, mpp.process().exitValue(), "exit status of a JVM ended by SIGTERM");
            assertTrue(mpp.printed("stopped", 5), mpp.output());
        }
    }

    private static RunningNode start(String grace) {
        return RunningNode.socks("\"shutdownGrace\": \"" + grace + "\"");
    }

    private static void awaitRefused(InetSocketAddress address) {
        assertTrue(Await.until(() -> refuses(address), 5_000), "the listener is still accepting");
    }

    private static boolean refuses(InetSocketAddress address) {
        try (Socket probe = new Socket()) {
            probe.connect(address, 1000);
            return false;
        } catch (IOException refused) {
            return true;
        }
    }
}
