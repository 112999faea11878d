package dev.mpp.api.spi;

/**
 * What every provider has: a name unique among the providers of its SPI.
 *
 * <p>The name is short, lower case and stable across versions ({@code "round-robin"},
 * {@code "socks5-chain"}): configurations refer to it. Two providers with one name for one SPI
 * stop the node at start-up with an error naming both modules.
 */
public interface PluginProvider {
    /** The provider's name; never null, matches {@code [a-z0-9][a-z0-9-]*}. */
    String name();

    /** One line for {@code mpp plugins}; never null. */
    default String description() {
        return "";
    }
}
