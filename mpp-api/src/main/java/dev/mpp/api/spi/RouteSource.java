package dev.mpp.api.spi;

import dev.mpp.api.HostPort;
import dev.mpp.api.Route;
import java.io.Closeable;
import java.util.Optional;

/**
 * Decides which destinations get a multipath route. Thread-safe: {@link #lookup} is called from
 * every connection thread; an implementation that reloads swaps its table atomically.
 */
public interface RouteSource extends Closeable {
    /** The route for {@code destination}, or empty for a direct connection. Never blocks on I/O. */
    Optional<Route> lookup(HostPort destination);

    /** Stops watching for changes. */
    @Override
    default void close() {}
}
