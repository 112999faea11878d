package dev.mpp.plugin.connectors;

import dev.mpp.api.HostPort;
import dev.mpp.api.Route.RelayHop;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SOCKS5 server on 127.0.0.1 whose every connection follows a script: a real relay, or one that
 * misbehaves in one precise way. It records what each client sent, and after the script it waits
 * for the client to close its end, so a test can check that the connector let go of the socket.
 */
final class ScriptedRelay implements AutoCloseable {
    /** What the relay does with one connection; it may simply return, or throw. */
    @FunctionalInterface
    interface Script {
        void play(Conversation c) throws Exception;
    }

    /** A CONNECT request as the relay received it: the address type and the address as sent. */
    record Request(int atyp, String host, int port) {}

    private final ServerSocket server;
    private final Script script;
    private final BlockingQueue<Conversation> conversations = new LinkedBlockingQueue<>();
    private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();

    ScriptedRelay(Script script) throws IOException {
        this.script = script;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("relay-accept").start(this::accept);
    }

    /** A relay that does its job: no authentication, CONNECT onwards, bytes both ways. */
    static ScriptedRelay correct() throws IOException {
        return new ScriptedRelay(c -> {
            c.expectMethods(List.of(0x00));
            c.send(0x05, 0x00);
            c.relay(c.readRequest());
        });
    }

    /** A relay that does its job for {@code user} with {@code password} (RFC 1929) and refuses anyone else. */
    static ScriptedRelay correctWithLogin(String user, String password) throws IOException {
        return new ScriptedRelay(c -> {
            c.expectMethods(List.of(0x02));
            c.send(0x05, 0x02);
            List<String> login = c.readLogin();
            if (!login.equals(List.of(user, password))) {
                c.send(0x01, 0x01);
                return;
            }
            c.send(0x01, 0x00);
            c.relay(c.readRequest());
        });
    }

    HostPort address() {
        return new HostPort("127.0.0.1", server.getLocalPort());
    }

    RelayHop hop() {
        return new RelayHop(address(), null, null);
    }

    RelayHop hop(String user, String password) {
        return new RelayHop(address(), user, password);
    }

    /** How many connections this relay has accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** The next connection this relay accepted, waiting up to 10 s for it. */
    Conversation conversation() throws InterruptedException {
        Conversation c = conversations.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("no connection reached the relay at " + address());
        }
        return c;
    }

    private void accept() {
        while (true) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            sockets.add(s);
            accepted.incrementAndGet();
            Conversation c = new Conversation(s);
            conversations.add(c);
            Thread.ofVirtual().name("relay").start(() -> c.run(script));
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** One connection to the relay, from the relay's side. */
    final class Conversation {
        private final Socket socket;
        private DataInputStream in;
        private OutputStream out;
        private final CompletableFuture<List<Integer>> methods = new CompletableFuture<>();
        private final CompletableFuture<Request> request = new CompletableFuture<>();
        private final CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
        private volatile Throwable scriptFailure;

        private Conversation(Socket socket) {
            this.socket = socket;
        }

        private void run(Script script) {
            try (socket) {
                socket.setSoTimeout(10_000);
                in = new DataInputStream(socket.getInputStream());
                out = socket.getOutputStream();
                try {
                    script.play(this);
                } catch (Exception | AssertionError e) {
                    scriptFailure = e;
                }
                clientClosed.complete(awaitEof());
            } catch (IOException e) {
                clientClosed.complete(true);
            } finally {
                clientClosed.complete(false);
                methods.complete(List.of());
                request.complete(null);
            }
        }

        /** Whether the client closed its end (EOF or reset) within 10 s of the script's end. */
        private boolean awaitEof() {
            try {
                socket.setSoTimeout(10_000);
                InputStream raw = socket.getInputStream();
                byte[] drain = new byte[512];
                while (raw.read(drain) >= 0) {
                    // Whatever the client still sends is not the point: only its close is.
                }
                return true;
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        /** Whether the connector closed this connection; waits up to 15 s. */
        boolean clientClosed() throws Exception {
            return clientClosed.get(15, TimeUnit.SECONDS);
        }

        /** The methods the client offered. */
        List<Integer> offeredMethods() throws Exception {
            return methods.get(15, TimeUnit.SECONDS);
        }

        /** The CONNECT request the client sent, or null if it sent none. */
        Request receivedRequest() throws Exception {
            return request.get(15, TimeUnit.SECONDS);
        }

        /** The script's own failure, if any: a relay that choked on the client's bytes. */
        Throwable scriptFailure() {
            return scriptFailure;
        }

        /** Reads the greeting and fails the script unless it offers exactly {@code expected}. */
        void expectMethods(List<Integer> expected) throws IOException {
            List<Integer> offered = readGreeting();
            if (!offered.equals(expected)) {
                throw new IOException("offered methods " + offered + ", expected " + expected);
            }
        }

        List<Integer> readGreeting() throws IOException {
            int version = in.readUnsignedByte();
            if (version != 5) {
                throw new IOException("greeting version " + version);
            }
            int n = in.readUnsignedByte();
            List<Integer> offered = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                offered.add(in.readUnsignedByte());
            }
            methods.complete(List.copyOf(offered));
            return offered;
        }

        /** RFC 1929: [user, password]. */
        List<String> readLogin() throws IOException {
            if (in.readUnsignedByte() != 1) {
                throw new IOException("not an RFC 1929 request");
            }
            String user = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
            String password = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
            return List.of(user, password);
        }

        Request readRequest() throws IOException {
            byte[] head = in.readNBytes(4);
            if (head.length < 4 || head[0] != 5 || head[1] != 1 || head[2] != 0) {
                throw new IOException("not a CONNECT request");
            }
            int atyp = head[3] & 0xFF;
            String host = switch (atyp) {
                case 1 -> InetAddress.getByAddress(readExactly(4)).getHostAddress();
                case 4 -> InetAddress.getByAddress(readExactly(16)).getHostAddress();
                case 3 -> new String(readExactly(in.readUnsignedByte()), StandardCharsets.US_ASCII);
                default -> throw new IOException("address type " + atyp);
            };
            Request r = new Request(atyp, host, in.readUnsignedShort());
            request.complete(r);
            return r;
        }

        private byte[] readExactly(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new EOFException();
            }
            return b;
        }

        void send(int... bytes) throws IOException {
            byte[] b = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                b[i] = (byte) bytes[i];
            }
            send(b);
        }

        /** One write, so a reply and what follows it arrive together. */
        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Closes the relay's sending side: the client reads EOF after what was sent. */
        void closeOutput() throws IOException {
            out.flush();
            socket.shutdownOutput();
        }

        /** An error reply, with the all-zero IPv4 address. */
        void reply(int rep) throws IOException {
            send(0x05, rep, 0x00, 0x01, 0, 0, 0, 0, 0, 0);
        }

        /** Connects to the request's address (resolving a name here, as a relay does), replies, then pipes. */
        void relay(Request r) throws IOException, InterruptedException {
            relay(r, Bound.IPV4);
        }

        /** As {@link #relay(Request)}, with the reply's BND.ADDR in the given form. */
        void relay(Request r, Bound bound) throws IOException, InterruptedException {
            Socket upstream = null;
            IOException failure = null;
            for (InetAddress ip : InetAddress.getAllByName(r.host())) {
                try {
                    Socket s = new Socket();
                    sockets.add(s);
                    s.connect(new InetSocketAddress(ip, r.port()), 5_000);
                    upstream = s;
                    break;
                } catch (IOException e) {
                    failure = e;
                }
            }
            if (upstream == null) {
                reply(0x05);
                throw failure;
            }
            send(bound.reply);
            socket.setSoTimeout(0);
            Socket up = upstream;
            Thread back = Thread.ofVirtual().name("relay-back").start(() -> {
                try {
                    up.getInputStream().transferTo(out);
                    socket.shutdownOutput();
                } catch (IOException gone) {
                    // One side went away; the other direction ends on its own.
                }
            });
            try {
                in.transferTo(up.getOutputStream());
                up.shutdownOutput();
            } catch (IOException gone) {
                // As above.
            }
            back.join();
            up.close();
        }
    }

    /** The forms of a success reply's BND.ADDR, each of a different length. */
    enum Bound {
        IPV4(0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x04, 0x38),
        IPV6(0x05, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x04, 0x38),
        DOMAIN(0x05, 0x00, 0x00, 0x03, 13, 'r', 'e', 'l', 'a', 'y', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x04, 0x38);

        final byte[] reply;

        Bound(int... bytes) {
            reply = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                reply[i] = (byte) bytes[i];
            }
        }
    }
}
