/**
 * Plugin discovery. {@link dev.mpp.runtime.plugin.PluginRegistry} is the only class that calls
 * {@link java.util.ServiceLoader}: over the boot layer, and over one module layer per JAR or
 * folder of the {@code plugins/} folder, and reports what it had to skip
 * ({@link dev.mpp.runtime.plugin.Skipped}). {@link dev.mpp.runtime.plugin.Providers} selects by name from a plain
 * list, so selection is testable without modules.
 */
package dev.mpp.runtime.plugin;
