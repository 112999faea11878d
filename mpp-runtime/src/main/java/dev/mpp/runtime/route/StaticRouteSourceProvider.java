package dev.mpp.runtime.route;

import dev.mpp.api.Options;
import dev.mpp.api.spi.RouteSource;
import dev.mpp.api.spi.RouteSourceProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code static} route source: the config file's {@code routes}, reloaded when the file
 * changes. Its options:
 * <ul>
 *   <li>{@code routes}: the config's routes as written, a list of {@link Options} from the config
 *       loader (their paths, {@code routes[0]}, and locations make the errors); absent: no routes</li>
 *   <li>{@code peerKey}: the node's {@code mpp.peerKey}, for routes without their own; optional</li>
 *   <li>{@code file}: the config file to watch, polled every second; absent: no reloads, no thread</li>
 * </ul>
 * {@link #options} builds them.
 */
public final class StaticRouteSourceProvider implements RouteSourceProvider {
    private static final Logger log = LoggerFactory.getLogger(StaticRouteSource.class);
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "static";
    }

    @Override
    public String description() {
        return "the config file's routes, reloaded when the file changes";
    }

    /**
     * {@inheritDoc}
     *
     * <p>Validates every route (not whether its scheduler, arq and framing exist: the caller checks
     * those against the plugins). With a {@code file}, starts one virtual thread that
     * {@link RouteSource#close()} stops.
     */
    @Override
    public RouteSource create(Options options) {
        options.requireOnly(Set.of("routes", "peerKey", "file"));
        String peerKey = options.string("peerKey").orElse(null);
        if (peerKey != null && peerKey.length() < RouteParser.MIN_PEER_KEY) {
            throw options.error("peerKey", peerKey.length() + " characters (expected: at least " + RouteParser.MIN_PEER_KEY + ")");
        }
        Path file;
        try {
            file = options.string("file").map(Path::of).orElse(null);
        } catch (InvalidPathException e) {
            throw options.error("file", "not a file name: " + e.getMessage());
        }
        RouteTable table = RouteParser.parse(options, peerKey);
        if (file == null) {
            return new StaticRouteSource(table);
        }
        return new StaticRouteSource(table, options.path(), peerKey, file, POLL_INTERVAL, log::info, log::warn);
    }

    /**
     * The options {@link #create} takes.
     *
     * @param routes  the config's routes ({@code NodeConfig.routes()})
     * @param peerKey the node's {@code mpp.peerKey}, or null
     * @param file    the config file to watch, or null for routes that never change ({@code mpp check-config})
     */
    public static Options options(List<Options> routes, String peerKey, Path file) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("routes", List.copyOf(routes));
        if (peerKey != null) {
            values.put("peerKey", peerKey);
        }
        if (file != null) {
            values.put("file", file.toString());
        }
        return Options.of("", values);
    }
}
