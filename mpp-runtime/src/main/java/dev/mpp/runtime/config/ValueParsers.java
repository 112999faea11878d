package dev.mpp.runtime.config;

import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the config's string-typed values. Each throws IllegalArgumentException saying what is expected. */
public final class ValueParsers {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    /** Longer than any sensible timeout, and far from where nanosecond arithmetic overflows. */
    static final Duration MAX_DURATION = Duration.ofDays(365);

    private ValueParsers() {}

    /** {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (expected a number and a unit: 250ms, 10s, 5m, 1h)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long (expected at most 365 days, e.g. 8760h)");
        }
        return d;
    }

    /** {@code value}, or {@code defaultValue} when absent; zero and negative durations are refused. */
    static Duration positive(String field, Duration value, Duration defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (value.isZero() || value.isNegative()) {
            throw new FieldException(field, show(value) + " (expected: more than zero)");
        }
        return value;
    }

    /** {@code value}, or {@code defaultValue} when absent; zero is allowed (it turns something off), negative is refused. */
    static Duration nonNegative(String field, Duration value, Duration defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (value.isNegative()) {
            throw new FieldException(field, show(value) + " (expected: zero or more)");
        }
        return value;
    }

    /** A duration the way the config writes it: {@code 0s}, {@code 250ms}, {@code 10s}. */
    static String show(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** {@code socks5://[user:pass@]host:port}. */
    public static Route.RelayHop relayHop(String text) {
        String expected = "'" + text + "' is not a relay (expected socks5://[user:pass@]host:port)";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected);
        }
        if (!"socks5".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
            throw new IllegalArgumentException(expected);
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return new Route.RelayHop(new HostPort(host, uri.getPort()), null, null);
        }
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(expected + ": give user:pass");
        }
        return new Route.RelayHop(new HostPort(host, uri.getPort()), decode(userInfo.substring(0, colon)),
                decode(userInfo.substring(colon + 1)));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static HostPort hostPort(String text) {
        return HostPort.parse(text);
    }
}
