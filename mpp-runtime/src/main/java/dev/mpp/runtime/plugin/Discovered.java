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
 * @param origin   {@link #BUILT_IN} for the boot layer (the image, or the module path), else the
 *                 path of the plugin JAR or plugin folder it was loaded from
 */
public record Discovered<P extends PluginProvider>(Spi spi, P provider, String module, String version, String origin) {
    /** The origin of the providers in the boot layer. */
    public static final String BUILT_IN = "built-in";

    public Discovered {
        Objects.requireNonNull(spi, "spi");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(origin, "origin");
    }

    public String name() {
        return provider.name();
    }
}
