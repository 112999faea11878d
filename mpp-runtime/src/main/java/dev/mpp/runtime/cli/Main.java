package dev.mpp.runtime.cli;

import dev.mpp.api.ConfigException;
import dev.mpp.runtime.Node;
import dev.mpp.runtime.config.ConfigLoader;
import dev.mpp.runtime.config.NodeConfig;
import dev.mpp.runtime.demo.Demo;
import dev.mpp.runtime.demo.DemoView;
import dev.mpp.runtime.plugin.Discovered;
import dev.mpp.runtime.plugin.PluginRegistry;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The {@code mpp} command line. Exit codes: 0 success, 1 failure at run time, 2 bad usage or config. */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String HELP = """
            Usage: mpp <command> [options]

            Commands:
              run [--config FILE]      run a node; without --config, SOCKS5 on 127.0.0.1:1080, no authentication
              check-config FILE        validate a config file without starting anything
              plugins                  list every provider (SPI, name, module, version, origin) and the plugins that failed to load
              demo [--scheduler NAME] [--socks ADDRESS] [--size SIZE]
                                       a complete multipath set-up on this machine (node A, node B, three
                                       shaped relay paths, a file to fetch) with live per-path throughput;
                                       defaults: latency-aware, 127.0.0.1:1080, 100MiB. Ctrl-C stops it
              --version                print the version
              --help                   print this help

            Options:
              --plugins DIR            the drop-in plugins folder (default: <image>/plugins)
            """;

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        if (commandWord(args).equals("demo") && System.getenv("MPP_LOG_LEVEL") == null) {
            // The demo's output is the show, and its nodes' INFO lines would tear the bars. Before any logger exists.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Main main = new Main(System.out, System.err);
        int code = main.execute(args, true);
        if (code != OK) {
            System.exit(code);
        }
    }

    /** The command: the first argument that is not {@code --plugins DIR}; empty if there is none. */
    private static String commandWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].equals("--plugins")) {
                return args[i];
            }
            i++; // and its folder
        }
        return "";
    }

    /** Runs one command; {@code run} returns once the node is serving, its shutdown hook installed if asked. */
    int execute(String[] argv, boolean installShutdownHook) {
        List<String> args = new ArrayList<>(List.of(argv));
        Path plugins = PluginRegistry.defaultPluginsFolder();
        int p = args.indexOf("--plugins");
        if (p >= 0) {
            if (p + 1 >= args.size()) {
                return usage("--plugins needs a folder");
            }
            plugins = Path.of(args.get(p + 1));
            args.subList(p, p + 2).clear();
        }
        if (args.isEmpty()) {
            return usage("no command given");
        }
        try {
            return switch (args.getFirst()) {
                case "--help", "-h", "help" -> {
                    out.print(HELP);
                    yield OK;
                }
                case "--version", "version" -> {
                    out.println("mpp " + version());
                    yield OK;
                }
                case "plugins" -> args.size() == 1 ? listPlugins(plugins) : usage("plugins takes no arguments");
                case "check-config" -> args.size() == 2 ? checkConfig(Path.of(args.get(1)), plugins)
                        : usage("check-config needs exactly one FILE");
                case "run" -> run(args.subList(1, args.size()), plugins, installShutdownHook);
                case "demo" -> demo(args.subList(1, args.size()), plugins, installShutdownHook);
                default -> usage("unknown command '" + args.getFirst() + "'");
            };
        } catch (ConfigException e) {
            err.println("mpp: " + e.getMessage());
            return USAGE;
        }
    }

    private int run(List<String> args, Path pluginsFolder, boolean installShutdownHook) {
        NodeConfig config;
        Path configFile = null;
        if (args.isEmpty()) {
            config = NodeConfig.defaults();
        } else if (args.size() == 2 && args.get(0).equals("--config")) {
            configFile = Path.of(args.get(1));
            config = new ConfigLoader().load(configFile);
        } else {
            return usage("run takes --config FILE or nothing");
        }
        PluginRegistry plugins = PluginRegistry.load(pluginsFolder);
        try {
            Node node = Node.start(config, plugins, configFile);
            started = node;
            if (installShutdownHook) {
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("mpp-shutdown").unstarted(node::close));
            }
            return OK;
        } catch (IOException e) {
            err.println("mpp: cannot start: " + e.getMessage());
            return FAILED;
        }
    }

    /**
     * Starts the demo and draws its paths' throughput on this thread until a signal stops it; the
     * shutdown hook then closes everything and prints the totals (so the JVM exits 130 on Ctrl-C
     * and 143 on SIGTERM, as a process ended by a signal does). Without a shutdown hook it returns
     * once the demo is serving, as {@code run} does.
     */
    private int demo(List<String> args, Path pluginsFolder, boolean installShutdownHook) {
        Demo.Settings settings;
        try {
            settings = Demo.Settings.parse(args);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        Demo demo;
        try {
            demo = Demo.start(settings, PluginRegistry.load(pluginsFolder));
        } catch (IOException e) {
            err.println("mpp: cannot start the demo: " + e.getMessage() + " (choose a free port with --socks 127.0.0.1:PORT)");
            return FAILED;
        }
        Console console = System.console();
        DemoView view = new DemoView(demo, out, out == System.out && console != null && console.isTerminal()
                && !"dumb".equals(System.getenv("TERM")));
        view.printIntro();
        if (!installShutdownHook) {
            startedDemo = demo; // driven in-process: whoever called stops it
            return OK;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("mpp-demo-shutdown").unstarted(() -> {
            view.stop();
            demo.close();
            view.printTotals();
        }));
        view.run();
        return OK;
    }

    /** The node the last {@code run} started; for tests that drive the command in-process. */
    Node started;

    /** The demo the last {@code demo} started without a shutdown hook; for tests that drive the command in-process. */
    Demo startedDemo;

    private int checkConfig(Path file, Path pluginsFolder) {
        NodeConfig config = new ConfigLoader().load(file);
        Node.validate(config, PluginRegistry.load(pluginsFolder));
        out.println(file + ": OK");
        return OK;
    }

    /**
     * The providers with their origins, then what could not be loaded and why. Exits 2 on a name
     * clash, like {@code run} and {@code check-config} would; a skipped plugin only warns, as in {@code run}.
     */
    private int listPlugins(Path pluginsFolder) {
        PluginRegistry registry = PluginRegistry.load(pluginsFolder);
        String format = "%-18s %-18s %-30s %-16s %s%n";
        out.printf(format, "SPI", "NAME", "MODULE", "VERSION", "ORIGIN");
        for (Discovered<?> d : registry.all()) {
            out.printf(format, d.spi().word(), d.name(), d.module(), d.version().isEmpty() ? "-" : d.version(), d.origin());
        }
        if (!registry.skipped().isEmpty()) {
            out.println();
            out.println("Not loaded (mpp run starts without them):");
            registry.skipped().forEach(s -> out.println("  " + s));
        }
        List<String> clashes = registry.clashes();
        if (!clashes.isEmpty()) {
            out.println();
            out.println("Name clashes (mpp run and check-config refuse to start):");
            clashes.forEach(c -> out.println("  " + c));
            clashes.forEach(c -> err.println("mpp: " + c));
            return USAGE;
        }
        return OK;
    }

    private int usage(String problem) {
        err.println("mpp: " + problem);
        err.print(HELP);
        return USAGE;
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
