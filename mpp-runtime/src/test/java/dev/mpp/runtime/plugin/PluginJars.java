package dev.mpp.runtime.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Compiles and packages small plugin JARs at test time, as a plugin author would, with javac and
 * jar. Public, and shipped in this module's test JAR, so that the distribution's tests build the
 * same plugins to drop into the real image.
 */
public final class PluginJars {
    private PluginJars() {}

    /**
     * A modular JAR {@code <module>.jar} in {@code folder} whose module provides one
     * {@code AuthenticatorProvider} named {@code providerName}, plus {@code extraRequires} if given.
     * Its authenticator works: it is method 0x00, no authentication, so a node can serve with it.
     */
    public static Path authenticatorPlugin(Path folder, String module, String providerName, String extraRequires)
            throws IOException {
        return providerPlugin(folder, module, "Authenticator", quoted(providerName),
                extraRequires == null ? "" : "requires " + extraRequires + ";");
    }

    /** A modular JAR whose module provides one {@code PathSchedulerProvider} named {@code providerName}; it cannot create one. */
    public static Path schedulerPlugin(Path folder, String module, String providerName) throws IOException {
        return providerPlugin(folder, module, "PathScheduler", quoted(providerName), "");
    }

    /**
     * A plugin folder {@code folder/<module>}: a library JAR {@code <module>.names.jar} and a plugin
     * JAR {@code <module>.jar} whose working authenticator (like {@link #authenticatorPlugin}) takes its
     * name, {@code providerName}, from the library.
     */
    public static Path folderPlugin(Path folder, String module, String providerName) throws IOException {
        Path plugin = Files.createDirectories(folder.resolve(module));
        String library = module + ".names";
        Path libraryJar = module(plugin, library, "exports " + library + ";", Map.of("Names", """
                public final class Names {
                    public static String provider() { return %s; }
                }
                """.formatted(quoted(providerName))));
        providerPlugin(plugin, module, "Authenticator", library + ".Names.provider()", "requires " + library + ";", libraryJar);
        return plugin;
    }

    /**
     * A modular JAR {@code <module>.jar} whose class {@code <module>.Provider} provides
     * {@code dev.mpp.api.spi.<product>Provider}; its {@code name()} returns {@code nameExpression}.
     */
    private static Path providerPlugin(Path folder, String module, String product, String nameExpression, String requires,
                                       Path... modulePath) throws IOException {
        return module(folder, module, "requires dev.mpp.api;\n" + requires + "\nprovides dev.mpp.api.spi." + product
                        + "Provider with " + module + ".Provider;",
                Map.of("Provider", """
                        public final class Provider implements dev.mpp.api.spi.%1$sProvider {
                            public String name() { return %2$s; }
                            public dev.mpp.api.spi.%1$s create(dev.mpp.api.Options options) {
                                %3$s
                            }
                        }
                        """.formatted(product, nameExpression, product.equals("Authenticator") ? NO_AUTHENTICATION
                        : "throw new UnsupportedOperationException(\"test provider\");")), modulePath);
    }

    private static final String NO_AUTHENTICATION = """
            return new dev.mpp.api.spi.Authenticator() {
                public int method() { return 0x00; }
                public AuthResult authenticate(java.io.InputStream in, java.io.OutputStream out) {
                    return new AuthResult.Accepted("");
                }
            };""";

    private static String quoted(String s) {
        return '"' + s + '"';
    }

    /** A JAR whose {@code module-info.class} is not a class file: its module descriptor is broken. */
    public static Path brokenDescriptor(Path folder, String fileName) throws IOException {
        Path jar = folder.resolve(fileName);
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("module-info.class"));
            zip.write("this is not a class file".getBytes());
            zip.closeEntry();
        }
        return jar;
    }

    /**
     * A modular JAR {@code <module>.jar} in {@code folder}: {@code moduleInfo} is the body of its
     * {@code module-info.java}; each class (simple name to body) goes into package {@code module}.
     * It compiles against mpp-api and {@code modulePath}.
     */
    public static Path module(Path folder, String module, String moduleInfo, Map<String, String> classes,
                              Path... modulePath) throws IOException {
        Path src = Files.createTempDirectory("plugin-src");
        Path out = Files.createTempDirectory("plugin-classes");
        Path pkgDir = Files.createDirectories(src.resolve(module.replace('.', '/')));
        List<String> args = new ArrayList<>(List.of("--module-path",
                Stream.concat(Stream.of(apiLocation()), Stream.of(modulePath)).map(Path::toString)
                        .collect(Collectors.joining(java.io.File.pathSeparator)),
                "-d", out.toString()));
        args.add(Files.writeString(src.resolve("module-info.java"), "module " + module + " {\n" + moduleInfo + "\n}\n").toString());
        for (Map.Entry<String, String> c : classes.entrySet()) {
            args.add(Files.writeString(pkgDir.resolve(c.getKey() + ".java"), "package " + module + ";\n" + c.getValue()).toString());
        }
        run("javac", args.toArray(String[]::new));
        Path jar = folder.resolve(module + ".jar");
        run("jar", "--create", "--file", jar.toString(), "-C", out.toString(), ".");
        return jar;
    }

    /** The mpp-api JAR (or classes folder) this test runs with, on the module path or the class path. */
    private static Path apiLocation() {
        try {
            return Path.of(dev.mpp.api.Options.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String tool, String... args) {
        ToolProvider provider = ToolProvider.findFirst(tool).orElseThrow(() -> new AssertionError("no " + tool + " tool"));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true);
        int code = provider.run(out, out, args);
        if (code != 0) {
            throw new AssertionError(tool + " failed (" + code + "):\n" + output);
        }
    }
}
