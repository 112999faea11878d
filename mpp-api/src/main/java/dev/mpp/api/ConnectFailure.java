package dev.mpp.api;

/**
 * Why an outbound connection could not be made. Each value corresponds to the SOCKS5 reply code
 * a client sees (RFC 1928 section 6), so an inbound can answer with the real reason.
 */
public enum ConnectFailure {
    /** Anything not listed below. */
    GENERAL(0x01),
    /** An access rule refused the request. */
    NOT_ALLOWED(0x02),
    /** No route to the destination's network. */
    NETWORK_UNREACHABLE(0x03),
    /** The name does not resolve, or the host cannot be reached. */
    HOST_UNREACHABLE(0x04),
    /** The destination actively refused the connection. */
    CONNECTION_REFUSED(0x05),
    /** The connection attempt timed out. */
    TTL_EXPIRED(0x06);

    private final int socksReply;

    ConnectFailure(int socksReply) {
        this.socksReply = socksReply;
    }

    /** The RFC 1928 REP code for this failure. */
    public int socksReply() {
        return socksReply;
    }
}
