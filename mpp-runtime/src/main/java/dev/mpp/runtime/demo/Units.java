package dev.mpp.runtime.demo;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes and rates as people read and type them: "100MiB", "20 Mbit/s", "12.3 MiB". */
final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})(B|KiB|MiB|GiB)?");

    private Units() {}

    /**
     * Parses a size: a number of bytes, or a number and {@code KiB}, {@code MiB} or {@code GiB}.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    static long size(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (expected e.g. 100MiB, 512KiB, 1GiB or bytes)");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        if (n > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n << shift;
    }

    /** "20 Mbit/s", "1.5 Mbit/s", "800 kbit/s". */
    static String bitRate(long bitsPerSecond) {
        if (bitsPerSecond >= 1_000_000) {
            return decimal(bitsPerSecond / 1e6) + " Mbit/s";
        }
        return decimal(bitsPerSecond / 1e3) + " kbit/s";
    }

    /** "100 MiB", "12.3 MiB", "512 KiB", "300 B". */
    static String bytes(long bytes) {
        if (bytes >= 1L << 30) {
            return decimal(bytes / (double) (1L << 30)) + " GiB";
        } else if (bytes >= 1L << 20) {
            return decimal(bytes / (double) (1L << 20)) + " MiB";
        } else if (bytes >= 1L << 10) {
            return decimal(bytes / (double) (1L << 10)) + " KiB";
        }
        return bytes + " B";
    }

    /** Whole numbers without a fraction, others with one digit. */
    private static String decimal(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
