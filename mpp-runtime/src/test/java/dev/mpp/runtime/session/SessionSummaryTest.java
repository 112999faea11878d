package dev.mpp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionSummaryTest {
    @Test
    void theEndOfSessionLogLineNamesWhatEachPathCarried() {
        SessionSummary s = new SessionSummary("1a2b3c4d example.org:443 via 192.0.2.1:7700", "done", List.of(
                new PathStats(0, "r1", "DOWN", 10_485_760, 0, 160, 0, 3, -1, -1, 0),
                new PathStats(1, "r2", "DOWN", 65_536, 12, 1, 1, 0, -1, -1, 0)), 0, Duration.ofMillis(3_240));
        assertEquals("session 1a2b3c4d example.org:443 via 192.0.2.1:7700 done in 3.2 s: path r1 sent 10485760 B "
                + "received 0 B (resent 3), path r2 sent 65536 B received 12 B (resent 0)", s.logLine());
    }
}
