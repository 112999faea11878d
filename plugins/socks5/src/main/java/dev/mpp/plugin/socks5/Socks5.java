package dev.mpp.plugin.socks5;

/** RFC 1928 constants. */
final class Socks5 {
    static final int VERSION = 0x05;
    static final int NO_ACCEPTABLE_METHODS = 0xFF;

    static final int CMD_CONNECT = 0x01;
    static final int CMD_BIND = 0x02;
    static final int CMD_UDP_ASSOCIATE = 0x03;

    static final int ATYP_IPV4 = 0x01;
    static final int ATYP_DOMAIN = 0x03;
    static final int ATYP_IPV6 = 0x04;

    static final int REP_SUCCEEDED = 0x00;
    static final int REP_GENERAL_FAILURE = 0x01;
    static final int REP_NOT_ALLOWED = 0x02;
    static final int REP_TTL_EXPIRED = 0x06;
    static final int REP_COMMAND_NOT_SUPPORTED = 0x07;
    static final int REP_ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

    private Socks5() {}
}
