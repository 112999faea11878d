package dev.mpp.api.frame;

import java.security.SecureRandom;
import java.util.HexFormat;

/** A multipath connection ID: 128 bits from {@link SecureRandom}, never chosen by a path. */
public record Mid(long high, long low) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static Mid random() {
        return new Mid(RANDOM.nextLong(), RANDOM.nextLong());
    }

    /** Parses 32 hex digits. */
    public static Mid parse(String hex) {
        if (hex.length() != 32) {
            throw new IllegalArgumentException("mid: '" + hex + "' (expected: 32 hex digits)");
        }
        return new Mid(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
    }

    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }
}
