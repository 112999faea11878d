package dev.mpp.api.spi;

import dev.mpp.api.Options;

/** Makes {@link PeerAuthenticator}s: {@code psk-hmac}. */
public interface PeerAuthenticatorProvider extends PluginProvider {
    /**
     * @param key     the key shared with the peer, at least 32 bytes; the provider copies it
     * @param options provider options
     */
    PeerAuthenticator create(byte[] key, Options options);
}
