package dev.mpp.runtime.config;

/**
 * A config record's member has a bad value. It names the member, so the loader can point at the
 * member's own line and column rather than at the end of the object that holds it.
 */
final class FieldException extends IllegalArgumentException {
    private final String field;

    FieldException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    String field() {
        return field;
    }
}
