package dev.mpp.runtime.net;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128.
 * IPv4-mapped IPv6 addresses match IPv4 networks.
 */
public record Cidr(byte[] network, int prefix) {
    public Cidr {
        network = network.clone();
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix: /" + prefix + " (expected: 0-" + network.length * 8 + ")");
        }
        network = mask(network, prefix);
    }

    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress ip;
        try {
            ip = InetAddress.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR (expected an IP address with an optional /prefix, e.g. 10.0.0.0/8)");
        }
        byte[] bytes = ip.getAddress();
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR (expected /0 to /" + prefix + " after the address)");
            }
            prefix = Integer.parseInt(p);
            if (prefix > bytes.length * 8) {
                throw new IllegalArgumentException("'" + text + "': prefix /" + prefix + " (expected: 0-" + bytes.length * 8 + ")");
            }
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && network.length == 4 && isV4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xFF << (8 - bits));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

}
