package dev.mpp.runtime.route;

import dev.mpp.api.HostPort;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A destination as matching sees it: an IP literal, or a host name in lower case without its
 * trailing dot. Names are never resolved.
 *
 * @param name the host name, or null for an IP literal
 * @param ip   the IP literal, or null for a name
 * @param port the port
 */
record Destination(String name, InetAddress ip, int port) {
    /** Four decimal parts: {@code InetAddress.ofLiteral} would also take {@code "10"} as 0.0.0.10. */
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    static Destination of(HostPort destination) {
        String host = withoutTrailingDot(destination.host());
        InetAddress ip = ipLiteral(host);
        return ip != null ? new Destination(null, ip, destination.port())
                : new Destination(host.toLowerCase(Locale.ROOT), null, destination.port());
    }

    /** The address {@code text} is a literal of (dotted quad, or IPv6 without brackets), or null; never a lookup. */
    static InetAddress ipLiteral(String text) {
        if (text.indexOf(':') < 0 && !DOTTED_QUAD.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException notALiteral) {
            return null;
        }
    }

    static String withoutTrailingDot(String host) {
        return host.length() > 1 && host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /**
     * {@code text} as a DNS name in lower case without its trailing dot, or null if it is not one.
     * A name's last label is never all digits: that would be an IP address, or a typo of one.
     */
    static String hostName(String text) {
        String name = withoutTrailingDot(text).toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.length() > 253) {
            return null;
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return null;
            }
        }
        return labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9') ? null : name;
    }
}
