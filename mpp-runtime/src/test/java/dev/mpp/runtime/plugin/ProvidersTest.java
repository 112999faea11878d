package dev.mpp.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mpp.api.ConfigException;
import dev.mpp.api.Options;
import dev.mpp.api.spi.PathScheduler;
import dev.mpp.api.spi.PathSchedulerProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Selection by name over a plain list: no modules needed. */
class ProvidersTest {
    @Test
    void selectsByName() {
        PathSchedulerProvider a = scheduler("a");
        Providers<PathSchedulerProvider> providers = Providers.of(Spi.SCHEDULER, List.of(found(a, "m.a"), found(scheduler("b"), "m.b")));
        assertSame(a, providers.get("a"));
    }

    @Test
    void unknownNameListsWhatIsAvailable() {
        Providers<PathSchedulerProvider> providers = Providers.of(Spi.SCHEDULER,
                List.of(found(scheduler("b"), "m.b"), found(scheduler("a"), "m.a")));
        ConfigException e = assertThrows(ConfigException.class, () -> providers.get("foo"));
        assertEquals("unknown scheduler 'foo' (available: a, b)", e.getMessage());
    }

    @Test
    void duplicateNamesNameBothModules() {
        ConfigException e = assertThrows(ConfigException.class, () -> Providers.of(Spi.SCHEDULER,
                List.of(found(scheduler("rr"), "m.one"), found(scheduler("rr"), "m.two"))));
        assertEquals("two scheduler providers are named 'rr': in module m.one (boot) and in module m.two (boot); "
                + "remove one of them", e.getMessage());
    }

    private static Discovered<PathSchedulerProvider> found(PathSchedulerProvider p, String module) {
        return new Discovered<>(Spi.SCHEDULER, p, module, "1", "boot");
    }

    private static PathSchedulerProvider scheduler(String name) {
        return new PathSchedulerProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PathScheduler create(Options options) {
                return (paths, bytes) -> paths.getFirst();
            }
        };
    }
}
