package dev.mpp.runtime.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.mpp.api.ConfigException;
import dev.mpp.api.HostPort;
import dev.mpp.api.Options;
import dev.mpp.runtime.net.Cidr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads a node's JSON config, which may hold {@code //} and {@code /* *}{@code /} comments. Every
 * problem becomes one {@link ConfigException} with path, line and column.
 */
public final class ConfigLoader {
    private final ObjectMapper mapper;

    public ConfigLoader() {
        SimpleModule values = new SimpleModule("mpp-config-values")
                .addDeserializer(HostPort.class, fromString(HostPort.class, ValueParsers::hostPort))
                .addDeserializer(Duration.class, fromString(Duration.class, ValueParsers::duration))
                .addDeserializer(Cidr.class, fromString(Cidr.class, Cidr::parse))
                .addDeserializer(Options.class, new OptionsDeserializer());
        this.mapper = JsonMapper.builder()
                .addModule(values)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                // A config file explains itself, as danted.conf and sshd_config do: // and /* */ comments.
                .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // "true" is not true and "10" is not 10: a config says what it means.
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    public NodeConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text);
    }

    public NodeConfig parse(String json) {
        try {
            NodeConfig config = mapper.readValue(json, NodeConfig.class);
            if (config == null) {
                throw new ConfigException("the config is empty (expected a JSON object)");
            }
            return config;
        } catch (UnrecognizedPropertyException e) {
            List<JsonMappingException.Reference> path = e.getPath();
            throw atMember(json, e, path.subList(0, path.size() - 1), e.getPropertyName(),
                    "unknown field (expected one of: " + known(e.getKnownPropertyIds()) + ")");
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof FieldException field) {
                throw atMember(json, e, field.field(), field.getMessage().substring(field.field().length() + 2));
            }
            String problem = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
            String path = path(e, null);
            throw new ConfigException((path.isEmpty() ? "" : path + ": ") + problem + ", " + where(e.getLocation()), e);
        } catch (JsonMappingException e) {
            throw new ConfigException(path(e, null) + ": " + firstLine(e.getOriginalMessage()) + ", " + where(e.getLocation()), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException("malformed JSON: " + firstLine(e.getOriginalMessage()) + ", " + where(e.getLocation()), e);
        }
    }

    private static <T> JsonDeserializer<T> fromString(Class<T> type, Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.hasToken(com.fasterxml.jackson.core.JsonToken.VALUE_STRING)) {
                    return type.cast(ctxt.handleUnexpectedToken(type, p));
                }
                try {
                    return parse.apply(p.getText());
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage());
                }
            }
        };
    }

    /**
     * Records are built through their constructor, so Jackson notices an unknown field or a bad
     * value only once the whole object has been read, and reports the object's end. Read the file
     * again as a tree that remembers where each member is, and report the member where it stands.
     *
     * @param object the path of the object holding the member
     */
    private ConfigException atMember(String json, JsonMappingException e, List<JsonMappingException.Reference> object,
                                     String member, String problem) {
        try {
            Object node = mapper.readValue(json, Options.class);
            for (JsonMappingException.Reference ref : object) {
                node = ref.getFieldName() != null ? ((Options) node).raw(ref.getFieldName())
                        : ((List<?>) node).get(ref.getIndex());
            }
            Options holder = (Options) node;
            if (holder.has(member)) {
                return new ConfigException(holder.error(member, problem).getMessage(), e);
            }
        } catch (IOException | RuntimeException notATree) {
            // fall back to where Jackson stopped
        }
        String path = path(e, null);
        return new ConfigException((path.isEmpty() ? "" : path + ".") + member + ": " + problem + ", "
                + where(e.getLocation()), e);
    }

    private ConfigException atMember(String json, ValueInstantiationException e, String member, String problem) {
        return atMember(json, e, e.getPath(), member, problem);
    }

    private static String path(JsonMappingException e, String last) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        if (last != null && !out.toString().endsWith(last)) {
            out.append(out.isEmpty() ? "" : ".").append(last);
        }
        return out.toString();
    }

    private static String known(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new)).stream()
                .collect(Collectors.joining(", "));
    }

    private static String where(JsonLocation location) {
        return location == null ? "location unknown" : OptionsDeserializer.where(location);
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
