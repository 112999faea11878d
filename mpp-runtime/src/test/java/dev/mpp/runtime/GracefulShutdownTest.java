package dev.mpp.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.runtime.config.ConfigLoader;
import dev.mpp.runtime.plugin.PluginRegistry;
import dev.mpp.runtime.testkit.RandomPayload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shutdown stops accepting at once, lets open connections finish within the grace period, then closes them. */
class GracefulShutdownTest {
    private ServerSocket echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // the test closed it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void openConnectionFinishesWithinTheGracePeriodWhileNewOnesAreRefused() throws Exception {
        Node node = start("10s");
        InetSocketAddress socks = node.socksAddress();
        try (Socket client = new Socket(new Proxy(Proxy.Type.SOCKS, socks))) {
            client.setSoTimeout(10_000);
            client.connect(echo.getLocalSocketAddress());
            byte[] first = RandomPayload.bytes(1 << 20, 1);
            byte[] second = RandomPayload.bytes(1 << 20, 2);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(first);
            assertArrayEquals(first, in.readNBytes(first.length));

            long start = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close);
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
        Node node = start("300ms");
        try (Socket client = new Socket(new Proxy(Proxy.Type.SOCKS, node.socksAddress()))) {
            client.setSoTimeout(10_000);
            client.connect(echo.getLocalSocketAddress());
            client.getOutputStream().write(42);
            assertEquals(42, client.getInputStream().read());
            node.close();
            int read;
            try {
                read = client.getInputStream().read();
            } catch (IOException reset) {
                read = -1;
            }
            assertEquals(-1, read, "the node must close what is left after the grace period");
        }
    }

    private static Node start(String grace) throws IOException {
        return Node.start(new ConfigLoader().parse(
                "{\"socks\": {\"listen\": \"127.0.0.1:0\", \"shutdownGrace\": \"" + grace + "\"}}"), PluginRegistry.load(null));
    }

    private static void awaitRefused(InetSocketAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(address, 1000);
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(10);
        }
        assertThrows(IOException.class, () -> new Socket().connect(address, 1000), "the listener is still accepting");
    }
}
