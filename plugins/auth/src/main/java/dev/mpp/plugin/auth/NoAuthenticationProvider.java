package dev.mpp.plugin.auth;

import dev.mpp.api.Options;
import dev.mpp.api.spi.Authenticator;
import dev.mpp.api.spi.AuthenticatorProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;

/** SOCKS5 method 0x00: every client is accepted anonymously. */
public final class NoAuthenticationProvider implements AuthenticatorProvider {
    @Override
    public String name() {
        return "none";
    }

    @Override
    public String description() {
        return "SOCKS5 method 0x00, no authentication";
    }

    @Override
    public Authenticator create(Options options) {
        options.requireOnly(Set.of());
        return new Authenticator() {
            @Override
            public int method() {
                return 0x00;
            }

            @Override
            public AuthResult authenticate(InputStream in, OutputStream out) {
                return new AuthResult.Accepted("");
            }
        };
    }
}
