package dev.mpp.runtime.plugin;

import java.util.List;

/** What every build of MPP provides by itself: {@code mpp plugins} lists each, in process and in the image. */
public final class BuiltInProviders {
    private BuiltInProviders() {}

    public static final List<String> NAMES = List.of("socks5", "mpp", "none", "username-password", "psk-hmac", "static",
            "direct", "socks5-chain", "text", "binary", "round-robin", "weighted", "latency-aware", "redundant",
            "selective-repeat");
}
