package dev.mpp.api;

/**
 * A configuration is wrong. The message names the field's path and, where known, its line and
 * column, and says what is allowed: {@code "socks.auth.users.alice: expected a string, line 4 column 22"}.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
