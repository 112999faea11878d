package dev.mpp.runtime.route;

import dev.mpp.api.ConfigException;
import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import dev.mpp.api.Route;
import dev.mpp.runtime.config.ValueParsers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the config's {@code routes} and builds a {@link RouteTable}. Every error is one
 * {@link ConfigException} naming the member's path, line and column, and what is allowed.
 */
final class RouteParser {
    static final int MIN_PEER_KEY = 32;
    static final long MAX_WEIGHT = 1_000_000;
    private static final Set<String> ROUTE_MEMBERS =
            Set.of("match", "peer", "peerKey", "paths", "scheduler", "arq", "framing", "fallback");
    private static final Set<String> PATH_MEMBERS = Set.of("name", "via", "weight", "peer", "options");
    private static final Pattern PLUGIN_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final String RELAY = "socks5://[user:pass@]host:port";

    private RouteParser() {}

    /**
     * @param holder         the object with the {@code routes} member (absent: no routes)
     * @param defaultPeerKey the node's {@code mpp.peerKey}, for routes without one; may be null
     */
    static RouteTable parse(Options holder, String defaultPeerKey) {
        Object raw = holder.raw("routes");
        if (raw == null) {
            return RouteTable.EMPTY;
        }
        if (!(raw instanceof List<?> routes)) {
            throw holder.error("routes", "expected a list of routes");
        }
        List<RouteTable.Entry> entries = new ArrayList<>(routes.size());
        for (int i = 0; i < routes.size(); i++) {
            if (!(routes.get(i) instanceof Options route)) {
                throw holder.error("routes[" + i + "]", "expected an object with match, peer and paths");
            }
            entries.add(route(route, defaultPeerKey));
        }
        return new RouteTable(entries);
    }

    private static RouteTable.Entry route(Options route, String defaultPeerKey) {
        route.requireOnly(ROUTE_MEMBERS);
        List<Match> match = match(route);
        HostPort peer = address(route, "peer", null);
        byte[] peerKey = peerKey(route, defaultPeerKey);
        List<Route.Path> paths = paths(route, peer);
        Options scheduler = scheduler(route);
        String arq = pluginName(route, "arq", "selective-repeat");
        String framing = pluginName(route, "framing", "binary");
        Route.Fallback fallback = switch (string(route, "fallback", "direct")) {
            case "direct" -> Route.Fallback.DIRECT;
            case "refuse" -> Route.Fallback.REFUSE;
            case String other -> throw route.error("fallback", "'" + other + "' (expected: direct or refuse)");
        };
        return new RouteTable.Entry(match, new Route(peer, peerKey, paths,
                scheduler.string("name").orElseThrow(), scheduler.without("name"), arq, framing, fallback), route);
    }

    private static List<Match> match(Options route) {
        List<?> items = list(route, "match", "a list of destinations (" + Match.EXPECTED + ")");
        if (items.isEmpty()) {
            throw route.error("match", "empty (expected: at least one destination, " + Match.EXPECTED + ")");
        }
        List<Match> match = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String key = "match[" + i + "]";
            if (!(items.get(i) instanceof String text)) {
                throw route.error(key, "expected a string (" + Match.EXPECTED + ")");
            }
            try {
                match.add(Match.parse(text));
            } catch (IllegalArgumentException e) {
                throw route.error(key, e.getMessage());
            }
        }
        return match;
    }

    private static byte[] peerKey(Options route, String defaultPeerKey) {
        String key = route.string("peerKey").orElse(defaultPeerKey);
        if (key == null) {
            throw route.error("peerKey", "missing: set " + route.path() + ".peerKey or mpp.peerKey "
                    + "(the key shared with the peer, at least " + MIN_PEER_KEY + " characters)");
        }
        if (key.length() < MIN_PEER_KEY) {
            throw route.error("peerKey", key.length() + " characters (expected: at least " + MIN_PEER_KEY + ")");
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Route.Path> paths(Options route, HostPort routePeer) {
        List<?> items = list(route, "paths", "a list of paths, each {\"name\": ..., \"via\": [...]}");
        if (items.isEmpty()) {
            throw route.error("paths", "empty (expected: at least one path)");
        }
        List<Route.Path> paths = new ArrayList<>(items.size());
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Options path)) {
                throw route.error("paths[" + i + "]", "expected an object with a name and optional via, weight and peer");
            }
            path.requireOnly(PATH_MEMBERS);
            String name = path.string("name").orElseThrow(() -> path.error("name", "missing (it is required)"));
            if (name.isBlank()) {
                throw path.error("name", "empty (expected: a name for logs and metrics)");
            }
            String earlier = names.putIfAbsent(name, path.path());
            if (earlier != null) {
                throw path.error("name", "'" + name + "' is already the name of " + earlier
                        + " (expected: names unique within the route)");
            }
            paths.add(new Route.Path(name, via(path), weight(path), address(path, "peer", routePeer), path.object("options")));
        }
        return paths;
    }

    private static List<Route.RelayHop> via(Options path) {
        List<?> items = path.has("via") ? list(path, "via", "a list of relays (" + RELAY + ")") : List.of();
        List<Route.RelayHop> via = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String key = "via[" + i + "]";
            if (!(items.get(i) instanceof String text)) {
                throw path.error(key, "expected a string (" + RELAY + ")");
            }
            try {
                via.add(ValueParsers.relayHop(text));
            } catch (IllegalArgumentException e) {
                throw path.error(key, e.getMessage());
            }
        }
        return via;
    }

    private static int weight(Options path) {
        Object raw = path.raw("weight");
        if (raw == null) {
            return 1;
        }
        if (!(raw instanceof Long weight)) {
            throw path.error("weight", "expected an integer from 1 to " + MAX_WEIGHT);
        }
        if (weight < 1) {
            throw path.error("weight", weight + " (expected: at least 1)");
        }
        if (weight > MAX_WEIGHT) {
            throw path.error("weight", weight + " (expected: at most " + MAX_WEIGHT + ")");
        }
        return weight.intValue();
    }

    /** A peer address; required when {@code defaultValue} is null. */
    private static HostPort address(Options o, String key, HostPort defaultValue) {
        if (!o.has(key)) {
            if (defaultValue == null) {
                throw o.error(key, "missing (it is required)");
            }
            return defaultValue;
        }
        HostPort address;
        try {
            address = HostPort.parse(string(o, key, null));
        } catch (IllegalArgumentException e) {
            throw o.error(key, e.getMessage());
        }
        if (address.port() == 0) {
            throw o.error(key, "'" + o.raw(key) + "': port 0 (expected: 1-65535)");
        }
        return address;
    }

    /**
     * The route's {@code scheduler}: a name, or an object with a {@code name} and the scheduler's
     * route-level options. Returns it as an object, the name checked; its provider checks the rest.
     */
    private static Options scheduler(Options route) {
        String defaultName = "latency-aware";
        if (!(route.raw("scheduler") instanceof Options scheduler)) {
            String name = pluginName(route, "scheduler", defaultName);
            return Options.of(route.path().isEmpty() ? "scheduler" : route.path() + ".scheduler", Map.of("name", name));
        }
        if (!scheduler.has("name")) {
            throw scheduler.error("name", "missing (expected the scheduler's name, e.g. " + defaultName
                    + ", beside its options; mpp plugins lists them)");
        }
        pluginName(scheduler, "name", defaultName);
        return scheduler;
    }

    private static String pluginName(Options route, String key, String defaultValue) {
        String name = string(route, key, defaultValue);
        if (!PLUGIN_NAME.matcher(name).matches()) {
            throw route.error(key, "'" + name + "' is not a plugin name (expected lower-case letters, digits and '-', "
                    + "e.g. " + defaultValue + "; mpp plugins lists them)");
        }
        return name;
    }

    private static String string(Options o, String key, String defaultValue) {
        return o.string(key).orElse(defaultValue);
    }

    /** A required list member. */
    private static List<?> list(Options o, String key, String expected) {
        Object raw = o.raw(key);
        if (raw == null) {
            throw o.error(key, "missing (it is required; expected " + expected + ")");
        }
        if (!(raw instanceof List<?> items)) {
            throw o.error(key, "expected " + expected);
        }
        return items;
    }
}
