package dev.mpp.runtime.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The kernel's own socket tables ({@code /proc/net/tcp}, {@code udp} and their IPv6 twins): what
 * is really bound and listening on this machine, whatever the JVM's objects say. Linux only.
 */
public final class KernelSockets {
    private static final String TCP_LISTEN = "0A";

    private KernelSockets() {}

    /** Whether a TCP socket listens on exactly {@code address} (an IPv4-mapped IPv6 socket counts). */
    public static boolean tcpListening(InetSocketAddress address) {
        for (String[] row : rows("tcp")) {
            if (row[3].equals(TCP_LISTEN) && port(row[1]) == address.getPort() && ip(row[1]).equals(address.getAddress())) {
                return true;
            }
        }
        return false;
    }

    /** The local addresses that UDP sockets on {@code port} are bound to; IPv4-mapped addresses read as IPv4. */
    public static Set<InetAddress> udpBound(int port) {
        Set<InetAddress> bound = new HashSet<>();
        for (String[] row : rows("udp")) {
            if (port(row[1]) == port) {
                bound.add(ip(row[1]));
            }
        }
        return bound;
    }

    /** The rows of {@code /proc/net/<protocol>} and {@code <protocol>6}, split into fields, headers left out. */
    private static List<String[]> rows(String protocol) {
        try {
            return java.util.stream.Stream.concat(
                            Files.readAllLines(Path.of("/proc/net/" + protocol)).stream().skip(1),
                            Files.readAllLines(Path.of("/proc/net/" + protocol + "6")).stream().skip(1))
                    .map(line -> line.trim().split("\\s+")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/net/" + protocol + " (these tests need Linux)", e);
        }
    }

    private static int port(String field) {
        return Integer.parseInt(field.substring(field.indexOf(':') + 1), 16);
    }

    /** The address part: 32-bit words in host (little-endian) order, 1 for IPv4, 4 for IPv6. */
    private static InetAddress ip(String field) {
        byte[] words = HexFormat.of().parseHex(field.substring(0, field.indexOf(':')));
        byte[] ip = new byte[words.length];
        for (int w = 0; w < words.length; w += 4) {
            for (int i = 0; i < 4; i++) {
                ip[w + i] = words[w + 3 - i];
            }
        }
        try {
            return InetAddress.getByAddress(ip); // an IPv4-mapped IPv6 address comes back as IPv4
        } catch (UnknownHostException e) {
            throw new AssertionError(field, e);
        }
    }
}
