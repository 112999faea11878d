package dev.mpp.api.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PrefaceTest {
    @Test
    void aPrefaceIsOneAsciiLine() {
        assertArrayEquals("MPP/1 binary\r\n".getBytes(StandardCharsets.US_ASCII), new Preface(1, "binary").toBytes());
    }

    @Test
    void readingConsumesTheLineAndLeavesTheFirstFrame() {
        ByteBuffer in = ascii("MPP/1 text\r\nPING\r\n");
        assertEquals(new Preface.Read(new Preface(1, "text")), Preface.read(in));
        assertEquals("PING\r\n", StandardCharsets.US_ASCII.decode(in).toString());
    }

    @Test
    void aBareLineFeedEndsTheLineSoNetcatUsersCanTypeIt() {
        assertEquals(new Preface.Read(new Preface(255, "binary")), Preface.read(ascii("MPP/255 binary\n")));
    }

    @Test
    void anIncompleteLineConsumesNothing() {
        ByteBuffer in = ascii("MPP/1 bin");
        assertEquals(Preface.NeedMore.INSTANCE, Preface.read(in));
        assertEquals(0, in.position());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET / HTTP/1.1\\n|preface: 'GET / HTTP/1.1' (expected: 'MPP/<version 1-255> <framing>')",
        "MPP/0 text\\n|preface: 'MPP/0 text' (expected: 'MPP/<version 1-255> <framing>')",
        "MPP/256 text\\n|preface: 'MPP/256 text' (expected: 'MPP/<version 1-255> <framing>')",
        "MPP/1 Text\\n|preface: 'MPP/1 Text' (expected: 'MPP/<version 1-255> <framing>')",
        "MPP/1  text\\n|preface: 'MPP/1  text' (expected: 'MPP/<version 1-255> <framing>')",
        "MPP/1 text-with-a-very-long-name|preface: no line end within 32 bytes (expected: 'MPP/<version> <framing>' and CRLF)",
    })
    void anythingElseIsInvalid(String input, String reason) {
        assertEquals(new Preface.Invalid(reason), Preface.read(ascii(input.replace("\\n", "\n"))));
    }

    @Test
    void aBinaryFirstByteIsInvalidAtOnce() {
        ByteBuffer in = ByteBuffer.wrap(new byte[] {0x10, 0, 0});
        assertEquals(new Preface.Invalid("preface: byte 0x10 at offset 0 (expected: 'MPP/<version> <framing>' and CRLF)"),
                Preface.read(in));
    }

    @Test
    void theConstructorChecksWhatTheWireCannotCarry() {
        assertEquals("version: 0 (expected: 1-255)",
                assertThrows(IllegalArgumentException.class, () -> new Preface(0, "text")).getMessage());
        assertEquals("framing: 'Binary' (expected: [a-z0-9][a-z0-9-]*)",
                assertThrows(IllegalArgumentException.class, () -> new Preface(1, "Binary")).getMessage());
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
