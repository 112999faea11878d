package dev.mpp.plugin.socks5;

import dev.mpp.api.ConnectException;
import dev.mpp.api.HostPort;
import dev.mpp.api.spi.Authenticator;
import dev.mpp.api.spi.HandshakeTimer;
import dev.mpp.api.spi.Inbound;
import dev.mpp.api.spi.Outbound;
import dev.mpp.api.spi.Relay;
import dev.mpp.api.spi.Upstream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SOCKS5 conversation (RFC 1928): method negotiation, sub-negotiation, one request, then the
 * command's own life. Reads are unbuffered so that no byte meant for the destination is swallowed.
 */
final class Socks5Inbound implements Inbound {
    private static final Logger log = LoggerFactory.getLogger(Socks5Inbound.class);

    private final Authenticator authenticator;
    private final Outbound outbound;
    private final Relay relay;
    private final Duration bindTimeout;
    private final Duration idleTimeout;

    Socks5Inbound(Authenticator authenticator, Outbound outbound, Relay relay, Duration bindTimeout, Duration idleTimeout) {
        this.authenticator = authenticator;
        this.outbound = outbound;
        this.relay = relay;
        this.bindTimeout = bindTimeout;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void serve(Socket client, HandshakeTimer handshake) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        if (!negotiateMethod(in, out) || !authenticate(client, in, out)) {
            return;
        }
        Request request = readRequest(in, out);
        if (request == null) {
            return;
        }
        // The deadline bounds what the client sends. What follows has its own limits (connect
        // timeout, bind timeout) and must still be able to answer, e.g. 0x06 after a connect timeout.
        handshake.done();
        InetSocketAddress peer = (InetSocketAddress) client.getRemoteSocketAddress();
        switch (request.command()) {
            case Socks5.CMD_CONNECT -> connect(client, peer, request.destination());
            case Socks5.CMD_BIND -> new BindCommand(client, outbound, relay, bindTimeout)
                    .run(peer, request.destination());
            case Socks5.CMD_UDP_ASSOCIATE -> new UdpAssociation(client, outbound, idleTimeout)
                    .run(request.destination());
            default -> {
                log.debug("{}: unknown command {}", peer, request.command());
                reply(out, Socks5.REP_COMMAND_NOT_SUPPORTED, SocksAddress.UNSPECIFIED);
            }
        }
    }

    /** Method negotiation; never selects a method the client did not offer. */
    private boolean negotiateMethod(InputStream in, OutputStream out) throws IOException {
        int version = in.read();
        if (version < 0) {
            log.debug("closed before the greeting");
            return false;
        }
        if (version != Socks5.VERSION) {
            // Not SOCKS5 (an HTTP request, SOCKS4, noise): there is no reply a client would understand.
            log.debug("version byte {} (expected 5): closing", version);
            return false;
        }
        int count = readByte(in);
        byte[] methods = readExactly(in, count);
        for (byte m : methods) {
            if ((m & 0xFF) == authenticator.method()) {
                out.write(new byte[] {Socks5.VERSION, (byte) authenticator.method()});
                out.flush();
                return true;
            }
        }
        out.write(new byte[] {Socks5.VERSION, (byte) Socks5.NO_ACCEPTABLE_METHODS});
        out.flush();
        return false;
    }

    private boolean authenticate(Socket client, InputStream in, OutputStream out) throws IOException {
        return switch (authenticator.authenticate(in, out)) {
            case Authenticator.AuthResult.Accepted accepted -> true;
            case Authenticator.AuthResult.Rejected rejected -> {
                log.info("{}: authentication failed: {}", client.getRemoteSocketAddress(), rejected.reason());
                yield false;
            }
        };
    }

    record Request(int command, HostPort destination) {}

    /** Reads {@code VER CMD RSV ATYP ADDR PORT}; answers and returns null if it cannot be served. */
    private static Request readRequest(InputStream in, OutputStream out) throws IOException {
        byte[] head = readExactly(in, 5);
        if (head[0] != Socks5.VERSION) {
            reply(out, Socks5.REP_GENERAL_FAILURE, SocksAddress.UNSPECIFIED);
            return null;
        }
        int atyp = head[3] & 0xFF;
        int length = SocksAddress.length(atyp, head[4] & 0xFF);
        if (length < 0) {
            reply(out, Socks5.REP_ADDRESS_TYPE_NOT_SUPPORTED, SocksAddress.UNSPECIFIED);
            return null;
        }
        ByteBuffer address = ByteBuffer.allocate(length);
        address.put(head, 3, 2).put(readExactly(in, length - 2)).flip();
        return switch (SocksAddress.decode(address)) {
            case SocksAddress.Decoded.Address(HostPort destination) -> new Request(head[1] & 0xFF, destination);
            case SocksAddress.Decoded.UnknownType unknown -> {
                reply(out, Socks5.REP_ADDRESS_TYPE_NOT_SUPPORTED, SocksAddress.UNSPECIFIED);
                yield null;
            }
            case SocksAddress.Decoded.Invalid invalid -> {
                reply(out, Socks5.REP_GENERAL_FAILURE, SocksAddress.UNSPECIFIED);
                yield null;
            }
            case SocksAddress.Decoded.Truncated truncated -> throw new EOFException("truncated request");
        };
    }

    private void connect(Socket client, InetSocketAddress peer, HostPort destination) throws IOException {
        Upstream upstream;
        try {
            upstream = outbound.connect(peer, destination);
        } catch (ConnectException e) {
            log.info("{}: CONNECT {} failed: {}", peer, destination, e.getMessage());
            reply(client.getOutputStream(), e.reason().socksReply(), SocksAddress.UNSPECIFIED);
            return;
        }
        try (upstream) {
            reply(client.getOutputStream(), Socks5.REP_SUCCEEDED, upstream.localAddress());
            log.debug("{}: CONNECT {}", peer, destination);
            relay.relay(client, upstream);
        }
    }

    static void reply(OutputStream out, int code, InetSocketAddress bound) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(22);
        bytes.write(Socks5.VERSION);
        bytes.write(code);
        bytes.write(0);
        SocksAddress.encode(bound, bytes);
        out.write(bytes.toByteArray());
        out.flush();
    }

    static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("client closed during the handshake");
        }
        return b;
    }

    static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException("client closed during the handshake");
        }
        return bytes;
    }
}
