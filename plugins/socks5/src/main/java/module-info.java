/** The {@code socks5} inbound: a complete RFC 1928 server (CONNECT, BIND, UDP ASSOCIATE). */
module dev.mpp.plugin.socks5 {
    requires dev.mpp.api;
    requires org.slf4j;

    provides dev.mpp.api.spi.InboundProvider with dev.mpp.plugin.socks5.Socks5InboundProvider;
}
