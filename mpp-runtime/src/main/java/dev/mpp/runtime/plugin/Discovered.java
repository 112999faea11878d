package dev.mpp.runtime.plugin;

import dev.mpp.api.spi.PluginProvider;
import java.util.Objects;

/**
 * A provider and where it came from.
 *
 * @param spi      the extension point it implements
 * @param provider the provider instance
 * @param module   its module's name ("unnamed" outside any module)
 * @param version  its module's version, or "" if it has none
 * @param source   its JAR's file name, or "boot" for the boot layer / image
 */
public record Discovered<P extends PluginProvider>(Spi spi, P provider, String module, String version, String source) {
    public Discovered {
        Objects.requireNonNull(spi, "spi");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(source, "source");
    }

    public String name() {
        return provider.name();
    }
}
