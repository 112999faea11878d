package dev.mpp.runtime.config;

/** Presence checks for config records, whose absent members Jackson passes as null. */
final class Required {
    private Required() {}

    static void check(String field, Object value) {
        if (value == null) {
            throw new FieldException(field, "missing (it is required)");
        }
    }
}
