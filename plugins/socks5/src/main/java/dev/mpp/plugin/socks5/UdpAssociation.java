package dev.mpp.plugin.socks5;

import dev.mpp.api.ConnectException;
import dev.mpp.api.HostPort;
import dev.mpp.api.spi.Outbound;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP ASSOCIATE (RFC 1928 section 7). Two sockets: one facing the client, bound to the interface
 * the control connection arrived on, which takes datagrams from the client's address only; one
 * facing the world, which forwards back only replies from destinations the client has sent to.
 * The association lives exactly as long as its TCP control connection.
 */
final class UdpAssociation {
    private static final Logger log = LoggerFactory.getLogger(UdpAssociation.class);
    private static final int MAX_DATAGRAM = 65_535;
    /** Destinations remembered for replies; the oldest is forgotten first. */
    private static final int MAX_PEERS = 1024;

    private final Socket control;
    private final Outbound outbound;
    private final InetSocketAddress controlPeer;
    private final Set<InetSocketAddress> contacted = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Boolean> eldest) {
                    return size() > MAX_PEERS;
                }
            }));
    private final Duration idleTimeout;
    private volatile long lastActivity = System.nanoTime();
    /** The client's UDP source: its IP is the control connection's, its port may be learnt. */
    private volatile InetSocketAddress clientUdp;

    UdpAssociation(Socket control, Outbound outbound, Duration idleTimeout) {
        this.control = control;
        this.outbound = outbound;
        this.idleTimeout = idleTimeout;
        this.controlPeer = (InetSocketAddress) control.getRemoteSocketAddress();
    }

    void run(HostPort announced) throws IOException {
        clientUdp = announcedPort(announced);
        DatagramSocket clientSide;
        DatagramSocket worldSide;
        try {
            clientSide = new DatagramSocket(new InetSocketAddress(control.getLocalAddress(), 0));
        } catch (IOException e) {
            log.warn("{}: UDP ASSOCIATE: cannot bind on {}: {}", controlPeer, control.getLocalAddress(), e.getMessage());
            Socks5Inbound.reply(control.getOutputStream(), Socks5.REP_GENERAL_FAILURE, SocksAddress.UNSPECIFIED);
            return;
        }
        try {
            worldSide = new DatagramSocket(0);
        } catch (IOException e) {
            clientSide.close();
            log.warn("{}: UDP ASSOCIATE: cannot open a socket: {}", controlPeer, e.getMessage());
            Socks5Inbound.reply(control.getOutputStream(), Socks5.REP_GENERAL_FAILURE, SocksAddress.UNSPECIFIED);
            return;
        }
        try (clientSide; worldSide) {
            Socks5Inbound.reply(control.getOutputStream(), Socks5.REP_SUCCEEDED,
                    (InetSocketAddress) clientSide.getLocalSocketAddress());
            log.debug("{}: UDP ASSOCIATE on {}", controlPeer, clientSide.getLocalSocketAddress());
            Thread up = Thread.ofVirtual().name("socks5-udp-up").start(() -> guarded(() -> clientToWorld(clientSide, worldSide)));
            Thread down = Thread.ofVirtual().name("socks5-udp-down").start(() -> guarded(() -> worldToClient(worldSide, clientSide)));
            waitForControlToClose();
            clientSide.close();
            worldSide.close();
            join(up);
            join(down);
        }
    }

    /**
     * The client's UDP source as the request announced it, or null to learn it from the first
     * datagram: when the port is zero, and when the announced address is not the one the control
     * connection comes from (a client behind NAT announces its private address and port, which
     * its datagrams will not come from).
     */
    private InetSocketAddress announcedPort(HostPort announced) {
        if (announced.port() == 0) {
            return null;
        }
        try {
            InetAddress ip = InetAddress.ofLiteral(announced.host());
            if (!ip.isAnyLocalAddress() && !ip.equals(controlPeer.getAddress())) {
                return null;
            }
        } catch (IllegalArgumentException name) {
            return null;
        }
        return new InetSocketAddress(controlPeer.getAddress(), announced.port());
    }

    /**
     * Blocks until the control connection closes, or until no datagram has moved either way for
     * the idle timeout: a client that vanished without closing (NAT timeout, power loss) must not
     * hold its sockets and threads forever.
     */
    private void waitForControlToClose() {
        try {
            InputStream in = control.getInputStream();
            control.setSoTimeout((int) Math.max(1, Math.min(idleTimeout.toMillis() / 4, 60_000)));
            byte[] discard = new byte[512];
            while (true) {
                try {
                    if (in.read(discard) < 0) {
                        return;
                    }
                    // RFC 1928 gives the control connection no further use; anything sent on it is ignored.
                } catch (SocketTimeoutException quiet) {
                    if (System.nanoTime() - lastActivity > idleTimeout.toNanos()) {
                        log.debug("{}: UDP association idle for {}: closing", controlPeer, idleTimeout);
                        return;
                    }
                }
            }
        } catch (IOException e) {
            log.debug("{}: control connection failed: {}", controlPeer, e.getMessage());
        }
    }

    private void clientToWorld(DatagramSocket clientSide, DatagramSocket worldSide) {
        byte[] buffer = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!clientSide.isClosed()) {
            try {
                packet.setData(buffer);
                clientSide.receive(packet);
                lastActivity = System.nanoTime();
                InetSocketAddress source = (InetSocketAddress) packet.getSocketAddress();
                if (!fromClient(source)) {
                    log.debug("{}: dropped a datagram from {}", controlPeer, source);
                    continue;
                }
                switch (UdpHeader.parse(buffer, packet.getLength())) {
                    case UdpHeader.Parsed.Dropped(String reason) -> log.debug("{}: dropped a datagram: {}", controlPeer, reason);
                    case UdpHeader.Parsed.Datagram(HostPort destination, int offset) -> {
                        InetSocketAddress target = outbound.permit(controlPeer, destination);
                        contacted.add(target);
                        worldSide.send(new DatagramPacket(buffer, offset, packet.getLength() - offset, target));
                    }
                }
            } catch (ConnectException e) {
                log.debug("{}: datagram refused: {}", controlPeer, e.getMessage());
            } catch (IOException e) {
                // A send fails for one datagram's sake (port 0, no route): only a closed socket ends the loop.
                if (clientSide.isClosed() || worldSide.isClosed()) {
                    return;
                }
                log.debug("{}: datagram not sent: {}", controlPeer, e.getMessage());
            }
        }
    }

    private void worldToClient(DatagramSocket worldSide, DatagramSocket clientSide) {
        byte[] buffer = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!worldSide.isClosed()) {
            try {
                packet.setData(buffer);
                worldSide.receive(packet);
                lastActivity = System.nanoTime();
                InetSocketAddress source = (InetSocketAddress) packet.getSocketAddress();
                InetSocketAddress client = clientUdp;
                if (client == null || !contacted.contains(source)) {
                    log.debug("{}: dropped an unsolicited datagram from {}", controlPeer, source);
                    continue;
                }
                byte[] wrapped = UdpHeader.wrap(source, buffer, packet.getLength());
                clientSide.send(new DatagramPacket(wrapped, wrapped.length, client));
            } catch (IOException e) {
                if (clientSide.isClosed() || worldSide.isClosed()) {
                    return;
                }
                log.debug("{}: reply not delivered: {}", controlPeer, e.getMessage());
            }
        }
    }

    /** Runs a relay loop; if it fails unexpectedly, the association ends rather than staying open and deaf. */
    private void guarded(Runnable loop) {
        try {
            loop.run();
        } catch (RuntimeException e) {
            log.error("{}: UDP relay failed; ending the association", controlPeer, e);
            try {
                control.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    /** Whether a datagram on the client-facing socket comes from the client; learns its port once. */
    private boolean fromClient(InetSocketAddress source) {
        InetAddress ip = controlPeer.getAddress();
        if (!source.getAddress().equals(ip)) {
            return false;
        }
        InetSocketAddress known = clientUdp;
        if (known == null) {
            clientUdp = source;
            return true;
        }
        return known.equals(source);
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
