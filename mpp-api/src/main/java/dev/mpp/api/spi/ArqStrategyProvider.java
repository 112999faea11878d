package dev.mpp.api.spi;

import dev.mpp.api.Options;

/** Makes {@link ArqStrategy}s: {@code selective-repeat}. */
public interface ArqStrategyProvider extends PluginProvider {
    /** Called once per session, on any thread. */
    ArqStrategy create(Options options);
}
