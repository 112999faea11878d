package dev.mpp.runtime.plugin;

import dev.mpp.api.ConfigException;
import dev.mpp.api.spi.PluginProvider;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The providers of one SPI, by name: no two share a name, and an unknown name says what exists. */
public final class Providers<P extends PluginProvider> {
    private final Spi spi;
    private final Map<String, Discovered<P>> byName;

    private Providers(Spi spi, Map<String, Discovered<P>> byName) {
        this.spi = spi;
        this.byName = byName;
    }

    /**
     * @throws ConfigException if two providers share a name, naming both modules
     */
    public static <P extends PluginProvider> Providers<P> of(Spi spi, List<Discovered<P>> discovered) {
        Map<String, Discovered<P>> byName = new TreeMap<>();
        for (Discovered<P> d : discovered) {
            Discovered<P> earlier = byName.putIfAbsent(d.name(), d);
            if (earlier != null) {
                throw new ConfigException("two " + spi.word() + " providers are named '" + d.name() + "': in module "
                        + earlier.module() + " (" + earlier.origin() + ") and in module " + d.module() + " (" + d.origin()
                        + "); remove one of them");
            }
        }
        return new Providers<>(spi, byName);
    }

    /**
     * @throws ConfigException "unknown scheduler 'foo' (available: a, b)"
     */
    public P get(String name) {
        Discovered<P> d = byName.get(name);
        if (d == null) {
            throw new ConfigException("unknown " + spi.word() + " '" + name + "' (available: "
                    + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")");
        }
        return d.provider();
    }

    /** Sorted by name. */
    public Collection<Discovered<P>> all() {
        return byName.values();
    }
}
