package dev.mpp.runtime.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.spi.ToolProvider;

/** Compiles and packages small plugin JARs at test time, as a plugin author would, with javac and jar. */
final class PluginJars {
    private PluginJars() {}

    /**
     * A modular JAR {@code <module>.jar} in {@code folder} whose module provides one
     * {@code AuthenticatorProvider} named {@code providerName}, plus {@code extraRequires} if given.
     */
    static Path authenticatorPlugin(Path folder, String module, String providerName, String extraRequires) throws IOException {
        Path src = Files.createTempDirectory("plugin-src");
        Path classes = Files.createTempDirectory("plugin-classes");
        String pkg = module;
        Path pkgDir = Files.createDirectories(src.resolve(pkg.replace('.', '/')));
        Files.writeString(src.resolve("module-info.java"), "module " + module + " {\n requires dev.mpp.api;\n"
                + (extraRequires == null ? "" : " requires " + extraRequires + ";\n")
                + " provides dev.mpp.api.spi.AuthenticatorProvider with " + pkg + ".Provider;\n}\n");
        Files.writeString(pkgDir.resolve("Provider.java"), """
                package %s;
                public final class Provider implements dev.mpp.api.spi.AuthenticatorProvider {
                    public String name() { return "%s"; }
                    public dev.mpp.api.spi.Authenticator create(dev.mpp.api.Options options) {
                        throw new UnsupportedOperationException("test provider");
                    }
                }
                """.formatted(pkg, providerName));
        run("javac", "--module-path", apiJarPath(), "-d", classes.toString(),
                src.resolve("module-info.java").toString(), pkgDir.resolve("Provider.java").toString());
        Path jar = folder.resolve(module + ".jar");
        run("jar", "--create", "--file", jar.toString(), "-C", classes.toString(), ".");
        return jar;
    }

    /** Where the API module is: the test JVM's module path holds it. */
    private static String apiJarPath() {
        return System.getProperty("jdk.module.path");
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
