package dev.mpp.runtime.net;

import dev.mpp.api.ConnectException;
import dev.mpp.api.ConnectFailure;
import dev.mpp.api.HostPort;
import dev.mpp.api.spi.Outbound;
import dev.mpp.api.spi.Upstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects straight to the destination: resolves it, applies the access rules to every address it
 * resolves to, and tries the allowed addresses in order within the connect timeout. A failure
 * carries the real reason, so the client's SOCKS5 reply says what happened.
 */
public final class DirectOutbound implements Outbound {
    private final AccessRules rules;
    private final Duration connectTimeout;

    public DirectOutbound(AccessRules rules, Duration connectTimeout) {
        this.rules = rules;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Upstream connect(InetSocketAddress client, HostPort destination) throws ConnectException {
        return new SocketUpstream(open(client, destination));
    }

    /** Like {@link #connect}, for a caller that relays the channel itself. */
    public SocketChannel open(InetSocketAddress client, HostPort destination) throws ConnectException {
        List<InetAddress> allowed = allowedAddresses(client, destination);
        ConnectException last = null;
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        for (InetAddress address : allowed) {
            long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                Socket socket = channel.socket();
                socket.setTcpNoDelay(true);
                socket.setKeepAlive(true);
                socket.connect(new InetSocketAddress(address, destination.port()), (int) Math.min(Integer.MAX_VALUE, remainingMillis));
                return channel;
            } catch (IOException e) {
                Quietly.close(channel);
                last = failure(destination, address, e);
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
        }
        throw last; // allowedAddresses is never empty, so the loop tried at least one
    }

    @Override
    public InetSocketAddress permit(InetSocketAddress client, HostPort destination) throws ConnectException {
        return new InetSocketAddress(allowedAddresses(client, destination).getFirst(), destination.port());
    }

    @Override
    public boolean admits(InetAddress client) {
        return rules.admits(client);
    }

    private List<InetAddress> allowedAddresses(InetSocketAddress client, HostPort destination) throws ConnectException {
        if (!destination.isPrintable()) {
            // No DNS name or IP literal has such characters: do not send them to a resolver.
            throw new ConnectException(ConnectFailure.HOST_UNREACHABLE, destination + ": not a host name");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(destination.host());
        } catch (UnknownHostException e) {
            throw new ConnectException(ConnectFailure.HOST_UNREACHABLE, destination + ": name does not resolve", e);
        }
        List<InetAddress> allowed = new ArrayList<>(addresses.length);
        for (InetAddress address : addresses) {
            // Connecting to 0.0.0.0 or :: reaches this host itself, past any rule about 127.0.0.0/8: never a destination.
            if (!address.isAnyLocalAddress() && rules.allows(client.getAddress(), address)) {
                allowed.add(address);
            }
        }
        if (allowed.isEmpty()) {
            throw new ConnectException(ConnectFailure.NOT_ALLOWED, destination + ": refused by an access rule");
        }
        return allowed;
    }

    /** Maps the JDK's connect failures, which carry the OS error in their type and message. */
    static ConnectException failure(HostPort destination, InetAddress address, IOException e) {
        String message = String.valueOf(e.getMessage());
        ConnectFailure reason;
        if (e instanceof SocketTimeoutException || message.contains("timed out")) {
            reason = ConnectFailure.TTL_EXPIRED;
        } else if (e instanceof java.net.ConnectException && message.contains("refused")) {
            reason = ConnectFailure.CONNECTION_REFUSED;
        } else if (e instanceof NoRouteToHostException || message.contains("Host is unreachable")) {
            reason = ConnectFailure.HOST_UNREACHABLE;
        } else if (e instanceof SocketException && message.contains("Network is unreachable")) {
            reason = ConnectFailure.NETWORK_UNREACHABLE;
        } else {
            reason = ConnectFailure.GENERAL;
        }
        return new ConnectException(reason, destination + " (" + address.getHostAddress() + "): " + message, e);
    }
}
