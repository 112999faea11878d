package dev.mpp.runtime.plugin;

import dev.mpp.api.spi.PluginProvider;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every provider this node can use: those in the boot layer (the image, or the module path) and
 * those in the JARs of a plugins folder, each JAR in a module layer of its own so that plugins
 * cannot see each other. A JAR that cannot be loaded is reported by name and skipped.
 */
public final class PluginRegistry {
    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);

    private final Map<Spi, List<Discovered<?>>> discovered;
    private final List<String> problems;

    private PluginRegistry(Map<Spi, List<Discovered<?>>> discovered, List<String> problems) {
        this.discovered = discovered;
        this.problems = List.copyOf(problems);
    }

    /** The drop-in folder of a runtime image: {@code <image>/plugins}. */
    public static Path defaultPluginsFolder() {
        return Path.of(System.getProperty("java.home"), "plugins");
    }

    /** Discovers the boot layer's providers, and those of every JAR in {@code pluginsFolder} if it exists. */
    public static PluginRegistry load(Path pluginsFolder) {
        Map<Spi, List<Discovered<?>>> found = new EnumMap<>(Spi.class);
        List<String> problems = new ArrayList<>();
        for (Spi spi : Spi.values()) {
            found.put(spi, new ArrayList<>());
        }
        collect(ModuleLayer.boot(), "boot", found, problems);
        for (Path jar : jars(pluginsFolder, problems)) {
            try {
                ModuleLayer layer = layerOf(jar);
                collect(layer, jar.getFileName().toString(), found, problems);
            } catch (RuntimeException | LinkageError e) {
                String problem = jar.getFileName() + ": skipped: " + e.getMessage();
                log.warn("plugin {}", problem);
                problems.add(problem);
            }
        }
        return new PluginRegistry(found, problems);
    }

    /** The providers of {@code spi}; fails if two share a name. */
    @SuppressWarnings("unchecked")
    public <P extends PluginProvider> Providers<P> providers(Spi spi, Class<P> type) {
        if (spi.type() != type) {
            throw new IllegalArgumentException(spi + " is not " + type.getName());
        }
        List<Discovered<P>> list = discovered.get(spi).stream().map(d -> (Discovered<P>) d).toList();
        return Providers.of(spi, list);
    }

    /** Everything discovered, duplicates included, in SPI order. */
    public List<Discovered<?>> all() {
        return discovered.values().stream().flatMap(List::stream).toList();
    }

    /** JARs that were skipped, with why. */
    public List<String> problems() {
        return problems;
    }

    private static List<Path> jars(Path folder, List<String> problems) {
        if (folder == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            problems.add(folder + ": cannot list: " + e.getMessage());
            return List.of();
        }
    }

    /** A layer holding the JAR's module alone, on top of the boot layer. */
    private static ModuleLayer layerOf(Path jar) {
        ModuleFinder finder = ModuleFinder.of(jar);
        Set<String> roots = finder.findAll().stream().map(ModuleReference::descriptor).map(ModuleDescriptor::name)
                .collect(Collectors.toSet());
        ModuleLayer boot = ModuleLayer.boot();
        Configuration configuration = boot.configuration().resolve(finder, ModuleFinder.of(), roots);
        return boot.defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
    }

    private static void collect(ModuleLayer layer, String source, Map<Spi, List<Discovered<?>>> found, List<String> problems) {
        for (Spi spi : Spi.values()) {
            List<? extends ServiceLoader.Provider<? extends PluginProvider>> candidates;
            try {
                candidates = ServiceLoader.load(layer, spi.type()).stream().toList();
            } catch (ServiceConfigurationError e) {
                String problem = source + ": " + spi.word() + " providers skipped: " + e.getMessage();
                log.warn("plugin {}", problem);
                problems.add(problem);
                continue;
            }
            for (ServiceLoader.Provider<? extends PluginProvider> p : candidates) {
                // load(layer, S) walks the parent layers too; keep only what this layer defines.
                Module module = p.type().getModule();
                if (module.getLayer() != layer && !(module.getLayer() == null && layer == ModuleLayer.boot())) {
                    continue;
                }
                try {
                    PluginProvider provider = p.get();
                    ModuleDescriptor descriptor = module.getDescriptor();
                    String version = descriptor == null ? "" : descriptor.rawVersion().orElse("");
                    String name = module.isNamed() ? module.getName() : "unnamed";
                    found.get(spi).add(new Discovered<>(spi, provider, name, version, source));
                } catch (ServiceConfigurationError e) {
                    String problem = source + ": provider " + p.type().getName() + " skipped: " + e.getMessage();
                    log.warn("plugin {}", problem);
                    problems.add(problem);
                }
            }
        }
    }
}
