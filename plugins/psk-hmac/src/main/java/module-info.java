/** The {@code psk-hmac} peer authenticator: HMAC-SHA256 proofs with the key both peers share. */
module dev.mpp.plugin.pskhmac {
    requires dev.mpp.api;

    provides dev.mpp.api.spi.PeerAuthenticatorProvider with dev.mpp.plugin.pskhmac.PskHmacProvider;
}
