package dev.mpp.runtime.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mpp.runtime.testkit.RunningNode;
import dev.mpp.runtime.testkit.SocksWire;
import dev.mpp.runtime.testkit.TcpFixture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The ways around a rule that denies this host's loopback, each closed: the unspecified
 * address, which the kernel routes to this host, and a BIND whose peer is whoever connects.
 */
class AccessRuleBypassTest {
    private static final String DENY_LOOPBACK = "\"rules\": [{\"action\": \"deny\", \"to\": [\"127.0.0.0/8\", \"::1/128\"]},"
            + " {\"action\": \"allow\"}]";

    @Test
    void connectToTheUnspecifiedAddressIsRefusedBecauseItReachesThisHost() throws Exception {
        try (RunningNode node = RunningNode.socks(DENY_LOOPBACK); TcpFixture echo = TcpFixture.echo()) {
            for (String unspecified : new String[] {"0.0.0.0", "::"}) {
                try (SocksWire wire = SocksWire.connect(node.socksAddress())) {
                    wire.greetNoAuth();
                    SocksWire.Reply reply = wire.request(SocksWire.CONNECT, SocksWire.address(unspecified, echo.port()));
                    assertEquals(0x02, reply.code(), "CONNECT " + unspecified + " must not reach 127.0.0.1");
                }
            }
        }
    }

    @Test
    void connectToTheUnspecifiedAddressIsRefusedEvenWithoutRules() throws Exception {
        try (RunningNode node = RunningNode.socks(""); TcpFixture echo = TcpFixture.echo();
             SocksWire wire = SocksWire.connect(node.socksAddress())) {
            wire.greetNoAuth();
            assertEquals(0x02, wire.request(SocksWire.CONNECT, SocksWire.address("0.0.0.0", echo.port())).code());
        }
    }

    @Test
    void bindForAnyPeerStillAppliesTheRulesToTheHostThatConnects() throws Exception {
        String denySecondLoopback = "\"rules\": [{\"action\": \"deny\", \"to\": [\"127.0.0.5/32\"]}, {\"action\": \"allow\"}]";
        try (RunningNode node = RunningNode.socks(denySecondLoopback);
             SocksWire control = SocksWire.connect(node.socksAddress())) {
            control.greetNoAuth();
            SocksWire.Reply first = control.request(SocksWire.BIND, SocksWire.address("0.0.0.0", 0));
            assertEquals(0x00, first.code());
            try (Socket peer = new Socket()) {
                peer.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.5"), 0));
                peer.connect(first.address(), 5_000);
                assertEquals(0x02, control.readReply().code(), "a denied host must not get through a BIND");
            }
        }
    }
}
