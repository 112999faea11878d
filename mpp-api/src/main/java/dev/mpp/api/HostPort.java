package dev.mpp.api;

import java.util.Objects;

/**
 * A host, given as a name or an IP literal, and a port. IPv6 literals are held without brackets.
 *
 * @param host a domain name or IP literal, 1 to 255 characters
 * @param port 0 to 65535
 */
public record HostPort(String host, int port) {
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.length() > 255) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: 1-255 characters)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port} or {@code a.b.c.d:port}.
     *
     * @throws IllegalArgumentException with a message saying what is expected
     */
    public static HostPort parse(String text) {
        Objects.requireNonNull(text, "text");
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw notHostPort(text);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw notHostPort(text);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (host.isEmpty() || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw notHostPort(text);
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    private static IllegalArgumentException notHostPort(String text) {
        return new IllegalArgumentException("'" + text + "' is not an address (expected host:port or [ipv6]:port)");
    }

    /** Whether the host is printable ASCII without spaces, as every DNS name and IP literal is. */
    public boolean isPrintable() {
        return Printable.isPlain(host);
    }

    /** For logs and messages: a host with unprintable characters (it may come from a client) shows them as {@code \xNN}. */
    @Override
    public String toString() {
        String shown = Printable.of(host);
        return (host.indexOf(':') >= 0 ? "[" + shown + "]" : shown) + ":" + port;
    }
}
