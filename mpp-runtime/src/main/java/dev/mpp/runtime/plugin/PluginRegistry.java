package dev.mpp.runtime.plugin;

import dev.mpp.api.ConfigException;
import dev.mpp.api.spi.PluginProvider;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every provider this node can use: those in the boot layer (the image, or the module path) and
 * those of a plugins folder. Each entry of the folder is one plugin in a module layer of its own,
 * a child of the boot layer, so that plugins cannot see each other: a JAR, or a folder holding a
 * plugin JAR and the JARs it depends on. An entry that cannot be loaded is {@linkplain #skipped()
 * skipped} with the reason, and logged at WARN; the node runs without it.
 */
public final class PluginRegistry {
    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private final Map<Spi, List<Discovered<?>>> discovered;
    private final List<Skipped> skipped;

    private PluginRegistry(Map<Spi, List<Discovered<?>>> discovered, List<Skipped> skipped) {
        this.discovered = discovered;
        this.skipped = List.copyOf(skipped);
    }

    /** The drop-in folder of a runtime image: {@code <image>/plugins}. */
    public static Path defaultPluginsFolder() {
        return Path.of(System.getProperty("java.home"), "plugins");
    }

    /**
     * Discovers the boot layer's providers, and those of every {@code *.jar} and every folder in
     * {@code pluginsFolder} if it exists (other files, and names starting with a dot, are ignored).
     */
    public static PluginRegistry load(Path pluginsFolder) {
        Map<Spi, List<Discovered<?>>> found = new EnumMap<>(Spi.class);
        List<Skipped> skipped = new ArrayList<>();
        for (Spi spi : Spi.values()) {
            found.put(spi, new ArrayList<>());
        }
        collect(ModuleLayer.boot(), Discovered.BUILT_IN, found, skipped);
        for (Path plugin : plugins(pluginsFolder, skipped)) {
            String origin = plugin.toString();
            try {
                int before = count(found) + skipped.size();
                collect(layerOf(plugin), origin, found, skipped);
                if (count(found) + skipped.size() == before) {
                    skip(skipped, origin, "provides no MPP plugin (its module-info has no 'provides' of a dev.mpp.api.spi "
                            + "provider interface)");
                }
            } catch (PluginLoadException e) {
                skip(skipped, origin, e.getMessage());
            }
        }
        return new PluginRegistry(found, skipped);
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

    /** Everything discovered, duplicates included, in SPI order; within an SPI the built-in ones first. */
    public List<Discovered<?>> all() {
        return discovered.values().stream().flatMap(List::stream).toList();
    }

    /** The plugin JARs and folders (or single providers in them) that could not be loaded, with why. */
    public List<Skipped> skipped() {
        return skipped;
    }

    /** For each SPI with two providers of one name, the message that names both modules; empty if none. */
    public List<String> clashes() {
        List<String> clashes = new ArrayList<>();
        for (Spi spi : Spi.values()) {
            try {
                providers(spi, spi.type());
            } catch (ConfigException e) {
                clashes.add(e.getMessage());
            }
        }
        return clashes;
    }

    /**
     * A node refuses to start with two providers of one name for one SPI, whichever it would use:
     * which one a config gets must never depend on the order of discovery.
     *
     * @throws ConfigException naming both modules and where they came from
     */
    public void requireDistinctNames() {
        List<String> clashes = clashes();
        if (!clashes.isEmpty()) {
            throw new ConfigException(clashes.getFirst());
        }
    }

    private static List<Path> plugins(Path folder, List<Skipped> skipped) {
        if (folder == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
                    .sorted().toList();
        } catch (IOException e) {
            skip(skipped, folder.toString(), "cannot list the plugins folder: " + e.getMessage());
            return List.of();
        }
    }

    /** A layer holding the modules of one plugin (a JAR, or every JAR of a folder), on top of the boot layer. */
    private static ModuleLayer layerOf(Path plugin) throws PluginLoadException {
        ModuleFinder finder = ModuleFinder.of(plugin);
        Set<String> roots;
        try {
            roots = finder.findAll().stream().map(ModuleReference::descriptor).map(ModuleDescriptor::name)
                    .collect(Collectors.toSet());
        } catch (FindException e) {
            throw new PluginLoadException("cannot read its module: " + causes(e));
        }
        if (roots.isEmpty()) {
            throw new PluginLoadException("holds no JAR (a plugin folder holds the plugin JAR and the JARs it needs)");
        }
        ModuleLayer boot = ModuleLayer.boot();
        List<String> shadowing = roots.stream().filter(name -> boot.findModule(name).isPresent()).sorted().toList();
        if (!shadowing.isEmpty()) {
            // Its own copy of dev.mpp.api would define SPI types the node does not know: its providers would never show.
            throw new PluginLoadException("carries " + String.join(", ", shadowing) + ", which the image already has: "
                    + "remove it from the plugin (a plugin uses the image's dev.mpp.api, org.slf4j and JDK modules)");
        }
        try {
            Configuration configuration = boot.configuration().resolve(finder, ModuleFinder.of(), roots);
            return boot.defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
        } catch (FindException | ResolutionException e) {
            // FindException here: a module it requires is nowhere, neither beside it nor in the image.
            throw new PluginLoadException("cannot resolve its module: " + causes(e)
                    + (e.getMessage().contains("not found") ? " (a plugin may require only dev.mpp.api, org.slf4j, the JARs "
                    + "beside it in its folder, and the JDK modules the image holds: bin/java --list-modules)" : ""));
        } catch (LayerInstantiationException | SecurityException e) {
            throw new PluginLoadException("cannot define its module layer: " + causes(e));
        }
    }

    private static void collect(ModuleLayer layer, String origin, Map<Spi, List<Discovered<?>>> found, List<Skipped> skipped) {
        for (Spi spi : Spi.values()) {
            List<? extends ServiceLoader.Provider<? extends PluginProvider>> candidates;
            try {
                candidates = ServiceLoader.load(layer, spi.type()).stream().toList();
            } catch (ServiceConfigurationError e) {
                skip(skipped, origin, "its " + spi.word() + " providers cannot be loaded: " + causes(e));
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
                    String name = provider.name();
                    if (name == null || !NAME.matcher(name).matches()) {
                        skip(skipped, origin, spi.word() + " provider " + p.type().getName() + " has the name '" + name
                                + "' (expected lower case letters, digits and '-', like round-robin)");
                        continue;
                    }
                    ModuleDescriptor descriptor = module.getDescriptor();
                    String version = descriptor == null ? "" : descriptor.rawVersion().orElse("");
                    String moduleName = module.isNamed() ? module.getName() : "unnamed";
                    found.get(spi).add(new Discovered<>(spi, provider, moduleName, version, origin));
                } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                    skip(skipped, origin, spi.word() + " provider " + p.type().getName() + " cannot be created: " + causes(e));
                }
            }
        }
    }

    private static int count(Map<Spi, List<Discovered<?>>> found) {
        return found.values().stream().mapToInt(List::size).sum();
    }

    private static void skip(List<Skipped> skipped, String origin, String reason) {
        Skipped s = new Skipped(origin, "skipped: " + reason);
        log.warn("plugin {}", s);
        skipped.add(s);
    }

    /** The messages of a throwable and its causes, each once: the JDK's say what, their causes say why. */
    private static String causes(Throwable e) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return String.join(": ", messages);
    }

    /** Why one plugin JAR or folder cannot be loaded at all. */
    private static final class PluginLoadException extends Exception {
        PluginLoadException(String reason) {
            super(reason, null, false, false);
        }
    }
}
