package dev.mpp.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options a plugin receives from the configuration: a read-only JSON object with typed
 * accessors whose errors name the option's path and its line and column in the config file.
 *
 * <p>Values are {@link String}, {@link Long}, {@link Double}, {@link Boolean}, {@link List} of
 * values, or nested {@code Options}. Instances are immutable and safe to share between threads.
 */
public final class Options {
    private final String path;
    private final Map<String, Object> values;
    private final Map<String, String> locations;

    /**
     * @param path      where this object is in the config, e.g. {@code "socks.auth"}; empty at the root
     * @param values    the members, in file order; see the class doc for the allowed value types
     * @param locations for each member, where it is in the file ({@code "line 3 column 5"}); may lack keys.
     *                  It may also hold {@code "member[i]"} for the elements of a list member, and the empty
     *                  key {@code ""} for where this object itself starts, which errors about absent members show
     */
    public Options(String path, Map<String, ?> values, Map<String, String> locations) {
        this.path = Objects.requireNonNull(path, "path");
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.locations = Map.copyOf(locations);
    }

    /** No options at all. */
    public static Options empty(String path) {
        return new Options(path, Map.of(), Map.of());
    }

    /** Plain options without locations, as tests and programmatic callers build them. */
    public static Options of(String path, Map<String, ?> values) {
        return new Options(path, values, Map.of());
    }

    /** The path of this object in the config; never null. */
    public String path() {
        return path;
    }

    /** The member names, in file order. */
    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The raw value, or null. */
    public Object raw(String key) {
        return values.get(key);
    }

    /** The string member {@code key}, if present. */
    public Optional<String> string(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw error(key, "expected a string");
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    /** An integer member within {@code [min, max]}, or {@code defaultValue} if absent. */
    public long integer(String key, long defaultValue, long min, long max) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Long n)) {
            throw error(key, "expected an integer from " + min + " to " + max);
        }
        if (n < min || n > max) {
            throw error(key, n + " is out of range (expected " + min + " to " + max + ")");
        }
        return n;
    }

    public boolean bool(String key, boolean defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(key, "expected true or false");
    }

    /** A nested object, or empty options at that path if absent. */
    public Options object(String key) {
        Object v = values.get(key);
        if (v == null) {
            return empty(child(key));
        }
        if (v instanceof Options o) {
            return o;
        }
        throw error(key, "expected an object");
    }

    /** A list of strings, or an empty list if absent. */
    public List<String> strings(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw error(key, "expected a list of strings");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw error(key, "expected a list of strings");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** An object whose members are all strings, e.g. {@code "users": {"alice": "secret"}}. */
    public Map<String, String> stringMap(String key) {
        Options o = object(key);
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : o.keys()) {
            out.put(k, o.string(k).orElseThrow());
        }
        return Collections.unmodifiableMap(out);
    }

    /** These options without member {@code key}, e.g. a selector the runtime has already read. */
    public Options without(String key) {
        Map<String, Object> rest = new LinkedHashMap<>(values);
        rest.remove(key);
        Map<String, String> where = new LinkedHashMap<>(locations);
        where.remove(key);
        return new Options(path, rest, where);
    }

    /** Fails on the first member not in {@code known}, listing what is allowed. */
    public void requireOnly(Set<String> known) {
        for (String key : values.keySet()) {
            if (known.isEmpty()) {
                throw error(key, "unknown option (none is allowed here)");
            }
            if (!known.contains(key)) {
                throw error(key, "unknown option (expected one of: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /**
     * An error about member {@code key}, with its path and location. The key may name a list element,
     * {@code "via[0]"}; an absent member is reported where this object starts, if that is known.
     */
    public ConfigException error(String key, String message) {
        String where = locations.getOrDefault(key, locations.get(""));
        return new ConfigException(child(key) + ": " + message + (where == null ? "" : ", " + where));
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * Equal when the members and their values are: where they came from (the path, the locations)
     * is not part of what the options say.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Options other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return path + values.keySet();
    }
}
