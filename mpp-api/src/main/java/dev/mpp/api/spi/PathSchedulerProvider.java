package dev.mpp.api.spi;

import dev.mpp.api.Options;

/**
 * Makes {@link PathScheduler}s: {@code round-robin}, {@code weighted}, {@code latency-aware},
 * {@code redundant}.
 *
 * <p>A route configures its scheduler at two levels: route-level options, given to {@link #create}
 * ({@code "scheduler": {"name": "my-scheduler", "probe": true}}), and per-path options, which the
 * scheduler reads from each {@link PathView#options()} ({@code "paths": [{"name": "r1", "options":
 * {"cost": 3}}]}). Both are checked when the route is loaded (at start-up, by {@code mpp check-config}
 * and on a reload), so a bad value is reported with its line and column before any traffic.
 */
public interface PathSchedulerProvider extends PluginProvider {
    /**
     * Called once per session, on any thread, and once when a route is loaded to check the options.
     *
     * @param options the route-level options; empty when the route names the scheduler alone
     * @throws dev.mpp.api.ConfigException if the options are wrong ({@link Options#error})
     */
    PathScheduler create(Options options);

    /**
     * Checks one path's options ({@code routes[0].paths[1].options}) when a route that uses this
     * scheduler is loaded; called on the loading thread, once per path. By default a scheduler takes
     * no path options, so any is reported as unknown (a typo, or an option of another scheduler).
     *
     * @param options the path's options, never null, perhaps empty
     * @throws dev.mpp.api.ConfigException if they are wrong ({@link Options#requireOnly}, {@link Options#error})
     */
    default void checkPathOptions(Options options) {
        if (!options.keys().isEmpty()) {
            String first = options.keys().iterator().next();
            throw options.error(first, "unknown option (scheduler " + name() + " takes no path options)");
        }
    }
}
