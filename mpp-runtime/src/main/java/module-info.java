/**
 * The MPP runtime: configuration, plugin discovery, listeners, relaying and the {@code mpp}
 * command. It names no plugin class; it finds every provider with {@link java.util.ServiceLoader}.
 *
 * @uses dev.mpp.api.spi.InboundProvider
 * @uses dev.mpp.api.spi.AuthenticatorProvider
 * @provides dev.mpp.api.spi.RouteSourceProvider {@code static}: the config file's routes
 * @provides dev.mpp.api.spi.InboundProvider {@code mpp}: the peer port, listed and its name reserved
 */
module dev.mpp.runtime {
    requires dev.mpp.api;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.mpp.runtime.cli;

    // Jackson binds the config records reflectively.
    opens dev.mpp.runtime.config to com.fasterxml.jackson.databind;

    uses dev.mpp.api.spi.InboundProvider;
    uses dev.mpp.api.spi.AuthenticatorProvider;
    uses dev.mpp.api.spi.RouteSourceProvider;
    uses dev.mpp.api.spi.PathConnectorProvider;
    uses dev.mpp.api.spi.FrameCodecProvider;
    uses dev.mpp.api.spi.PathSchedulerProvider;
    uses dev.mpp.api.spi.ArqStrategyProvider;
    uses dev.mpp.api.spi.PeerAuthenticatorProvider;

    // The runtime's own providers: found by name and listed like any plugin's.
    provides dev.mpp.api.spi.RouteSourceProvider with dev.mpp.runtime.route.StaticRouteSourceProvider;
    provides dev.mpp.api.spi.InboundProvider with dev.mpp.runtime.session.PeerPortProvider;
}
