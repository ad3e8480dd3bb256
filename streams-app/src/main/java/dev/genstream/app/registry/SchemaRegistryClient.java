package dev.genstream.app.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent schema-registry REST API, as served by Confluent, Redpanda, Karapace and
 * Apicurio ({@code .../apis/ccompat/v7}). Ids and schemas are immutable in the registry, so they are cached
 * for good: after the first record of each schema, serializing and deserializing make no HTTP calls.
 * Thread-safe.
 */
public final class SchemaRegistryClient implements AutoCloseable {
    private final RegistryHttp http;
    private final ConcurrentMap<String, ConcurrentMap<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public SchemaRegistryClient(RegistryConfig config) {
        this.http = new RegistryHttp(config);
    }

    public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
        return new SchemaRegistryClient(RegistryConfig.from(configs));
    }

    /** Registers {@code schema} under {@code subject} (a no-op if it already is) and returns its id. */
    public int register(String subject, Schema schema) {
        Integer cached = idsFor(subject).get(schema);
        if (cached != null) return cached;
        JsonNode answer = http.send("POST", "/subjects/" + encode(subject) + "/versions", body(schema));
        return remember(subject, schema, requiredInt(answer, "id"));
    }

    /** The id of {@code schema} under {@code subject}, without registering it; 404 if it is not there. */
    public int lookupId(String subject, Schema schema) {
        Integer cached = idsFor(subject).get(schema);
        if (cached != null) return cached;
        JsonNode answer = http.send("POST", "/subjects/" + encode(subject), body(schema));
        return remember(subject, schema, requiredInt(answer, "id"));
    }

    /** The schema with this global id. */
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) return cached;
        Schema schema = parse(http.get("/schemas/ids/" + id), "schema id " + id);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    /** The subject's latest version. Not cached: it changes whenever someone registers. */
    public RegisteredSchema latest(String subject) {
        JsonNode answer = http.get("/subjects/" + encode(subject) + "/versions/latest");
        int id = requiredInt(answer, "id");
        Schema schema = parse(answer, "subject " + subject);
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(answer.path("subject").asText(subject), requiredInt(answer, "version"), id, schema);
    }

    /** One version of a subject. Versions are immutable, but not cached here: callers pin the id they got. */
    public RegisteredSchema version(String subject, int version) {
        JsonNode answer = http.get("/subjects/" + encode(subject) + "/versions/" + version);
        int id = requiredInt(answer, "id");
        Schema schema = parse(answer, "subject " + subject + " version " + version);
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(answer.path("subject").asText(subject), requiredInt(answer, "version"), id, schema);
    }

    /** Whether the subject's compatibility rule would accept {@code schema}; true for a subject with no versions. */
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = http.send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    body(schema));
            return answer.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound() && e.errorCode() != 40403) return true; // no such subject (or version) yet
            throw e;
        }
    }

    /** Sets the subject's compatibility level: NONE, BACKWARD, FORWARD, FULL, or their _TRANSITIVE forms. */
    public void setCompatibility(String subject, String level) {
        http.send("PUT", "/config/" + encode(subject), Map.of("compatibility", level));
    }

    /** The subject's compatibility level as the registry reports it (its own or the global default). */
    public String getCompatibility(String subject) {
        JsonNode answer = http.get("/config/" + encode(subject) + "?defaultToGlobal=true");
        return answer.has("compatibilityLevel") ? answer.get("compatibilityLevel").asText()
                : answer.path("compatibility").asText();
    }

    /** HTTP requests sent so far, including failed-over attempts: lets tests prove the caches work. */
    public long requestsSent() {
        return http.requestsSent();
    }

    @Override
    public void close() {
        http.close();
    }

    private ConcurrentMap<Schema, Integer> idsFor(String subject) {
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    }

    private int remember(String subject, Schema schema, int id) {
        idsFor(subject).putIfAbsent(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    private static Map<String, String> body(Schema schema) {
        // schemaType is left out: AVRO is the default everywhere, and old registries reject the field.
        // Java-only string hints are left out too, so other languages' producers match the same version.
        return Map.of("schema", PortableSchema.json(schema, false));
    }

    private static Schema parse(JsonNode answer, String what) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(what + " is a " + type + " schema, not Avro", 200,
                    SchemaRegistryException.INVALID_SCHEMA, null);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("registry answer for " + what + " has no schema", 200, 0, null);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(what + " is not a valid Avro schema: " + e.getMessage(), 200,
                    SchemaRegistryException.INVALID_SCHEMA, e);
        }
    }

    private static int requiredInt(JsonNode answer, String field) {
        JsonNode v = answer.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new SchemaRegistryException("registry answer lacks \"" + field + "\": " + answer, 200, 0, null);
        }
        return v.asInt();
    }

    /** Percent-encodes a path segment (URLEncoder is for forms: it turns spaces into '+'). */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
