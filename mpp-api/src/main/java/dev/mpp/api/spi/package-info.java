/**
 * The service provider interfaces. Each {@code *Provider} is a factory found with
 * {@link java.util.ServiceLoader}: it has a stable short {@link dev.mpp.api.spi.PluginProvider#name()}
 * by which the configuration selects it, and one {@code create} method that receives a context
 * record or {@link dev.mpp.api.Options}. The object it creates may hold per-listener or
 * per-session state.
 *
 * <p>Unless a method says otherwise: arguments and results are never null; a provider is called
 * from any thread and must be stateless; what it creates is used as its own javadoc says.
 * Extension points are never sealed, because sealed types cannot be implemented across modules.
 */
package dev.mpp.api.spi;
