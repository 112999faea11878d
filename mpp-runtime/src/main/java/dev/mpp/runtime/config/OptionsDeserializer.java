package dev.mpp.runtime.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import dev.mpp.api.Options;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a plugin's section into {@link Options}, remembering where each member is in the file so
 * that the plugin's own validation errors can point at the line and column: a member at its name,
 * a list element ({@code "via[0]"}) at its value, and an absent member at the start of its object.
 */
final class OptionsDeserializer extends JsonDeserializer<Options> {
    @Override
    public Options deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.isExpectedStartObjectToken()) {
            return (Options) ctxt.handleUnexpectedToken(Options.class, p.currentToken(), p, "expected an object");
        }
        return readObject(p, ctxt, path(p.getParsingContext().pathAsPointer()));
    }

    private Options readObject(JsonParser p, DeserializationContext ctxt, String path) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> locations = new LinkedHashMap<>();
        locations.put("", where(p.currentTokenLocation()));
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            locations.put(key, where(p.currentTokenLocation()));
            p.nextToken();
            values.put(key, readValue(p, ctxt, path.isEmpty() ? key : path + "." + key, key, locations));
        }
        return new Options(path, values, locations);
    }

    /**
     * @param member    the value's name relative to the object that holds it: {@code via}, {@code via[0]}
     * @param locations that object's locations, which get one for each list element
     */
    private Object readValue(JsonParser p, DeserializationContext ctxt, String path, String member,
                             Map<String, String> locations) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> readObject(p, ctxt, path);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    String element = "[" + list.size() + "]";
                    locations.put(member + element, where(p.currentTokenLocation()));
                    list.add(readValue(p, ctxt, path + element, member + element, locations));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> ctxt.handleUnexpectedToken(Object.class, p);
        };
    }

    static String where(JsonLocation location) {
        return "line " + location.getLineNr() + " column " + location.getColumnNr();
    }

    /** {@code /routes/0/paths} → {@code routes[0].paths}. */
    private static String path(JsonPointer pointer) {
        StringBuilder out = new StringBuilder();
        for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
            if (p.mayMatchElement()) {
                out.append('[').append(p.getMatchingIndex()).append(']');
            } else {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(p.getMatchingProperty());
            }
        }
        return out.toString();
    }
}
