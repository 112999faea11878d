package dev.mpp.plugin.arq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mpp.api.ConfigException;
import dev.mpp.api.Options;
import dev.mpp.api.spi.ArqStrategy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectiveRepeatTest {
    private final ArqStrategy arq = new SelectiveRepeatProvider().create(Options.empty("arq"));

    @Test
    void acknowledgesEverySixteenPacketsOrAfterTenMilliseconds() {
        assertFalse(arq.ackNow(15, Duration.ofMillis(9), false));
        assertTrue(arq.ackNow(16, Duration.ZERO, false));
        assertTrue(arq.ackNow(1, Duration.ofMillis(10), false));
        assertEquals(Duration.ofMillis(10), arq.maxAckDelay());
    }

    @Test
    void acknowledgesAtOnceWhenAGapIsWaiting() {
        assertTrue(arq.ackNow(1, Duration.ZERO, true));
    }

    @Test
    void retransmitTimeoutIsSmoothedRttPlusFourVariationsWithAFloor() {
        assertEquals(Duration.ofSeconds(1), arq.retransmitTimeout(-1, -1));
        assertEquals(Duration.ofSeconds(1), arq.retransmitTimeout(1_000_000, 100_000));
        assertEquals(Duration.ofMillis(1400), arq.retransmitTimeout(1_000_000_000, 100_000_000));
    }

    @Test
    void optionsAreCheckedWithTheirPath() {
        var options = Options.of("routes[0].arqOptions", Map.of("ackEvery", 0L));
        var e = assertThrows(ConfigException.class, () -> new SelectiveRepeatProvider().create(options));
        assertEquals("routes[0].arqOptions.ackEvery: 0 is out of range (expected 1 to 1024)", e.getMessage());
    }
}
