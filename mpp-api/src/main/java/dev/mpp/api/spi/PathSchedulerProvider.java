package dev.mpp.api.spi;

import dev.mpp.api.Options;

/** Makes {@link PathScheduler}s: {@code round-robin}, {@code weighted}, {@code latency-aware}. */
public interface PathSchedulerProvider extends PluginProvider {
    /** Called once per session, on any thread. */
    PathScheduler create(Options options);
}
