/**
 * The MPP plugin API: every service provider interface of MPP and the values they exchange.
 *
 * <p>This module depends on {@code java.base} alone. A plugin requires this module (and, if it
 * logs, slf4j) and nothing else; it {@code provides} one or more of the {@code *Provider}
 * interfaces of {@link dev.mpp.api.spi}. Every provider has a stable short {@code name()} by which
 * the configuration selects it.
 */
module dev.mpp.api {
    exports dev.mpp.api;
    exports dev.mpp.api.frame;
    exports dev.mpp.api.spi;
}
