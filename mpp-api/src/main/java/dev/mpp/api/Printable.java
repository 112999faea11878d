package dev.mpp.api;

/**
 * Text that came from a peer, made safe to log: anything outside printable ASCII (and the
 * backslash) is shown as {@code \xNN}, so a client cannot forge log lines with CR and LF.
 */
public final class Printable {
    private Printable() {}

    /** Whether {@code text} is printable ASCII without spaces, as every DNS name and IP literal is. */
    public static boolean isPlain(String text) {
        return text.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != '\\');
    }

    /** {@code text} with every other character escaped as {@code \xNN}. */
    public static String of(String text) {
        if (isPlain(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x20 && c < 0x7F && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format(c < 0x100 ? "\\x%02x" : "\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
