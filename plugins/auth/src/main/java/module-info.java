/** SOCKS5 authentication methods: {@code none} and {@code username-password} (RFC 1929). */
module dev.mpp.plugin.auth {
    requires dev.mpp.api;

    provides dev.mpp.api.spi.AuthenticatorProvider with
            dev.mpp.plugin.auth.NoAuthenticationProvider,
            dev.mpp.plugin.auth.UsernamePasswordProvider;
}
