package dev.mpp.runtime.route;

import dev.mpp.runtime.net.Cidr;

/** One entry of a route's {@code match} list. Port 0 means any port. */
sealed interface Match {
    /** What a match entry may be, for error messages. */
    String EXPECTED = "a CIDR, an IP, *.domain or a host name, each with an optional :port";

    boolean matches(Destination destination);

    /** An IP network; matches only destinations given as IP literals. */
    record Network(Cidr cidr, int port) implements Match {
        @Override
        public boolean matches(Destination d) {
            return d.ip() != null && (port == 0 || port == d.port()) && cidr.contains(d.ip());
        }
    }

    /** {@code *.example.org}: every name below {@code example.org}, not {@code example.org} itself. */
    record Suffix(String domain, int port) implements Match {
        @Override
        public boolean matches(Destination d) {
            String name = d.name();
            return name != null && (port == 0 || port == d.port()) && name.length() > domain.length()
                    && name.endsWith(domain) && name.charAt(name.length() - domain.length() - 1) == '.';
        }
    }

    /** One host name, compared without case. */
    record Host(String name, int port) implements Match {
        @Override
        public boolean matches(Destination d) {
            return name.equals(d.name()) && (port == 0 || port == d.port());
        }
    }

    /**
     * Parses {@code 10.0.0.0/8}, {@code 10.1.2.3}, {@code fd00::/8}, {@code *.example.org},
     * {@code host.example.com}, each optionally with {@code :port} ({@code [v6]:port} for IPv6).
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    static Match parse(String text) {
        String host = text;
        int port = 0;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || text.indexOf(':') > close || text.indexOf(':') < 0) {
                throw notADestination(text);
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw notADestination(text);
                }
                port = port(text, rest.substring(1));
            }
            return network(text, host, port);
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && colon == text.lastIndexOf(':')) {
            host = text.substring(0, colon);
            port = port(text, text.substring(colon + 1));
        } else if (colon >= 0) {
            return network(text, text, 0); // bare IPv6: its port would need brackets
        }
        if (host.indexOf('/') >= 0 || Destination.ipLiteral(host) != null) {
            return network(text, host, port);
        }
        if (host.startsWith("*.")) {
            return new Suffix(hostName(text, host.substring(2)), port);
        }
        return new Host(hostName(text, host), port);
    }

    private static Network network(String text, String cidr, int port) {
        return new Network(Cidr.parse(cidr), port); // its message names the CIDR; the error's path names the entry
    }

    private static int port(String text, String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("'" + text + "': port '" + port + "' (expected: 1-65535)");
        }
        return Integer.parseInt(port);
    }

    private static String hostName(String text, String name) {
        String n = Destination.hostName(name);
        if (n == null) {
            throw notADestination(text);
        }
        return n;
    }

    private static IllegalArgumentException notADestination(String text) {
        return new IllegalArgumentException("'" + text + "' is not a destination (expected " + EXPECTED + ")");
    }
}
