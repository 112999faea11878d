/** Path connectors: how a path's TCP stream to the peer is opened, directly or through SOCKS5 relays. */
module dev.mpp.plugin.connectors {
    requires dev.mpp.api;
    requires org.slf4j;

    provides dev.mpp.api.spi.PathConnectorProvider with dev.mpp.plugin.connectors.DirectConnectorProvider,
            dev.mpp.plugin.connectors.Socks5ChainConnectorProvider;
}
