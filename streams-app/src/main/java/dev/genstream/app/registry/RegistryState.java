package dev.genstream.app.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/** The embedded registry's data and rules, apart from HTTP. Ids are global and shared by equal schemas. */
final class RegistryState {

    record Reply(int status, Object body) {
        static Reply ok(Object body) {
            return new Reply(200, body);
        }

        static Reply error(int status, int code, String message) {
            return new Reply(status, object("error_code", code, "message", message));
        }
    }

    private final Map<String, Integer> idByCanonical = new HashMap<>();
    private final List<Schema> schemaById = new ArrayList<>(); // id n at index n-1
    private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>(); // version n at index n-1
    private final Map<String, CompatibilityLevel> levelBySubject = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

    synchronized Reply subjects() {
        return Reply.ok(List.copyOf(versionsBySubject.keySet()));
    }

    synchronized Reply register(String subject, String text) {
        Schema schema;
        try {
            schema = parse(text);
        } catch (SchemaParseException e) {
            return Reply.error(422, 42201, "Invalid schema: " + e.getMessage());
        }
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        Integer known = idByCanonical.get(schema.toString());
        if (known != null && versions.contains(known)) return Reply.ok(object("id", known));
        if (!level(subject).allows(schema, schemas(versions))) {
            return Reply.error(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\" under " + level(subject) + " compatibility");
        }
        int id = known != null ? known : newId(schema);
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return Reply.ok(object("id", id));
    }

    synchronized Reply lookup(String subject, String text) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) return subjectNotFound(subject);
        Integer id;
        try {
            id = idByCanonical.get(parse(text).toString());
        } catch (SchemaParseException e) {
            return Reply.error(422, 42201, "Invalid schema: " + e.getMessage());
        }
        if (id == null || !versions.contains(id)) {
            return Reply.error(404, 40403, "Schema not found under subject " + subject);
        }
        return Reply.ok(versionBody(subject, versions.indexOf(id) + 1, id));
    }

    synchronized Reply versions(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) return subjectNotFound(subject);
        List<Integer> numbers = new ArrayList<>();
        for (int v = 1; v <= versions.size(); v++) numbers.add(v);
        return Reply.ok(numbers);
    }

    synchronized Reply version(String subject, String version) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) return subjectNotFound(subject);
        int v = versionNumber(version, versions.size());
        if (v < 1 || v > versions.size()) return Reply.error(404, 40402, "Version " + version + " not found.");
        return Reply.ok(versionBody(subject, v, versions.get(v - 1)));
    }

    synchronized Reply schemaById(String rawId) {
        int id = parseInt(rawId);
        if (id < 1 || id > schemaById.size()) return Reply.error(404, 40403, "Schema " + rawId + " not found.");
        return Reply.ok(object("schema", schemaById.get(id - 1).toString()));
    }

    synchronized Reply compatible(String subject, String version, String text) {
        Schema schema;
        try {
            schema = parse(text);
        } catch (SchemaParseException e) {
            return Reply.error(422, 42201, "Invalid schema: " + e.getMessage());
        }
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        int v = versionNumber(version, versions.size());
        if (!versions.isEmpty() && (v < 1 || v > versions.size())) {
            return Reply.error(404, 40402, "Version " + version + " not found.");
        }
        List<Schema> against = versions.isEmpty() ? List.of() : schemas(versions.subList(0, v));
        return Reply.ok(object("is_compatible", level(subject).allows(schema, against)));
    }

    synchronized Reply config(String subject) {
        return Reply.ok(object("compatibilityLevel", (subject == null ? globalLevel : level(subject)).name()));
    }

    synchronized Reply setConfig(String subject, String level) {
        CompatibilityLevel parsed;
        try {
            parsed = CompatibilityLevel.parse(String.valueOf(level));
        } catch (IllegalArgumentException e) {
            return Reply.error(422, 42203, "Invalid compatibility level: " + level);
        }
        if (subject == null) globalLevel = parsed;
        else levelBySubject.put(subject, parsed);
        return Reply.ok(object("compatibility", parsed.name()));
    }

    private CompatibilityLevel level(String subject) {
        return levelBySubject.getOrDefault(subject, globalLevel);
    }

    private int newId(Schema schema) {
        schemaById.add(schema);
        idByCanonical.put(schema.toString(), schemaById.size());
        return schemaById.size();
    }

    private List<Schema> schemas(List<Integer> ids) {
        return ids.stream().map(id -> schemaById.get(id - 1)).toList();
    }

    private Map<String, Object> versionBody(String subject, int version, int id) {
        return object("subject", subject, "version", version, "id", id,
                "schema", schemaById.get(id - 1).toString());
    }

    private static Reply subjectNotFound(String subject) {
        return Reply.error(404, 40401, "Subject '" + subject + "' not found.");
    }

    private static int versionNumber(String version, int latest) {
        return "latest".equals(version) || "-1".equals(version) ? latest : parseInt(version);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Schema parse(String text) {
        if (text == null) throw new SchemaParseException("no \"schema\" in the request");
        return new Schema.Parser().parse(text);
    }

    static Map<String, Object> object(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
