package dev.mpp.plugin.connectors;

import dev.mpp.api.ConnectException;
import dev.mpp.api.ConnectFailure;
import dev.mpp.api.HostPort;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens a plain TCP connection within a deadline: resolves the name, then tries each address in
 * turn until one connects or the deadline passes. Shared by {@code direct} and by the first hop of
 * {@code socks5-chain}, so both report a failure to connect the same way.
 */
final class Dial {
    private Dial() {}

    /**
     * A connected channel in blocking mode, TCP_NODELAY and keep-alive on.
     *
     * @param label what the messages name: the target, or {@code "hop 1 socks5://..."}
     * @throws ConnectException whose message starts with {@code label}; no socket is left open
     */
    static SocketChannel open(HostPort address, Deadline deadline, String label) throws ConnectException {
        List<InetAddress> addresses = resolve(address, deadline, label);
        ConnectException failure = null;
        for (InetAddress ip : addresses) {
            if (deadline.passed()) {
                break;
            }
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                Socket socket = channel.socket();
                socket.setTcpNoDelay(true);
                socket.setKeepAlive(true);
                socket.connect(new InetSocketAddress(ip, address.port()), deadline.remainingMillis());
                return channel;
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                ConnectException next = failure(label, address, ip, deadline, e);
                if (failure != null) {
                    next.addSuppressed(failure); // the earlier addresses' reasons, for whoever reads the stack trace
                }
                failure = next;
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
        }
        if (failure == null) {
            throw new ConnectException(ConnectFailure.TTL_EXPIRED, label + ": did not connect within " + deadline.describe());
        }
        throw failure;
    }

    /**
     * The addresses of {@code address.host()}. A name lookup runs on its own virtual thread so that a
     * slow resolver cannot hold the caller past the deadline; the lookup itself is left to finish.
     */
    static List<InetAddress> resolve(HostPort address, Deadline deadline, String label) throws ConnectException {
        if (!address.isPrintable()) {
            // No DNS name or IP literal has such characters: do not hand them to a resolver.
            throw new ConnectException(ConnectFailure.HOST_UNREACHABLE, label + ": not a host name");
        }
        InetAddress literal = literal(address.host());
        if (literal != null) {
            return List.of(literal);
        }
        String host = address.host();
        FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> InetAddress.getAllByName(host));
        Thread.ofVirtual().name("mpp-resolve " + host).start(lookup);
        try {
            return List.of(lookup.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new ConnectException(ConnectFailure.TTL_EXPIRED,
                    label + ": the name did not resolve within " + deadline.describe(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownHostException) {
                throw new ConnectException(ConnectFailure.HOST_UNREACHABLE, label + ": the name does not resolve", cause);
            }
            throw new ConnectException(ConnectFailure.GENERAL, label + ": the name lookup failed: " + cause, cause);
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw new ConnectException(ConnectFailure.GENERAL, label + ": interrupted while resolving the name", e);
        }
    }

    /**
     * The address if {@code host} is an IPv6 literal or a dotted-quad IPv4 literal, else null. Never
     * asks a resolver. The short IPv4 forms ({@code 10.1}, {@code 167772161}) count as names, so a
     * relay gets them as written.
     */
    static InetAddress literal(String host) {
        boolean v6 = host.indexOf(':') >= 0;
        if (!v6 && !isDottedQuad(host)) {
            return null;
        }
        try {
            InetAddress ip = InetAddress.ofLiteral(host);
            return v6 || ip instanceof Inet4Address ? ip : null;
        } catch (IllegalArgumentException notALiteral) {
            return null;
        }
    }

    private static boolean isDottedQuad(String host) {
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    /** Maps the JDK's connect failures, which carry the OS error in their type and message. */
    private static ConnectException failure(String label, HostPort address, InetAddress ip, Deadline deadline, Exception e) {
        String message = String.valueOf(e.getMessage());
        String where = label + (address.host().equals(ip.getHostAddress()) ? "" : " (" + ip.getHostAddress() + ")");
        if (Thread.currentThread().isInterrupted()) {
            return new ConnectException(ConnectFailure.GENERAL, where + ": interrupted while connecting", e);
        }
        if (e instanceof SocketTimeoutException || message.contains("timed out")) {
            return new ConnectException(ConnectFailure.TTL_EXPIRED, where + ": did not connect within " + deadline.describe(), e);
        }
        ConnectFailure reason;
        if (e instanceof java.net.ConnectException && message.contains("refused")) {
            reason = ConnectFailure.CONNECTION_REFUSED;
        } else if (e instanceof NoRouteToHostException || message.contains("Host is unreachable")) {
            reason = ConnectFailure.HOST_UNREACHABLE;
        } else if (e instanceof SocketException && message.contains("Network is unreachable")) {
            reason = ConnectFailure.NETWORK_UNREACHABLE;
        } else {
            reason = ConnectFailure.GENERAL;
        }
        return new ConnectException(reason, where + ": " + message, e);
    }

    static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing is all that is left to do; there is no one to tell.
            }
        }
    }
}
