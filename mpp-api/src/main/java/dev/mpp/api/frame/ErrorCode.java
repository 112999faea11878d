package dev.mpp.api.frame;

/**
 * An MPP error code. Codes are open: a code this version does not know survives decoding with
 * its number, so a newer peer's errors are reported rather than rejected.
 *
 * @param code 0 to 65535
 */
public record ErrorCode(int code) {
    public static final ErrorCode GENERAL = new ErrorCode(1);
    public static final ErrorCode NOT_ALLOWED = new ErrorCode(2);
    public static final ErrorCode NETWORK_UNREACHABLE = new ErrorCode(3);
    public static final ErrorCode HOST_UNREACHABLE = new ErrorCode(4);
    public static final ErrorCode CONNECTION_REFUSED = new ErrorCode(5);
    public static final ErrorCode TIMEOUT = new ErrorCode(6);
    /** Unknown MID or bad proof: deliberately one code, so a prober learns nothing. */
    public static final ErrorCode AUTHENTICATION_FAILED = new ErrorCode(16);
    public static final ErrorCode TOO_MANY_PATHS = new ErrorCode(17);
    public static final ErrorCode PROTOCOL_ERROR = new ErrorCode(18);
    public static final ErrorCode FLOW_CONTROL = new ErrorCode(19);
    public static final ErrorCode UNSUPPORTED_VERSION = new ErrorCode(20);

    public ErrorCode {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("code: " + code + " (expected: 0-65535)");
        }
    }
}
