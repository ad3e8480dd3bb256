package dev.genstream.app.streams;

import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.app.registry.SchemaRegistryException;
import org.apache.avro.Schema;

/**
 * Resolves a request's {@code avro_subject}: {@code SUBJECT} (its latest version), {@code SUBJECT:VERSION}, or
 * {@code SUBJECT#SCHEMA_ID}. The answer names the schema id, so the service can pin it ({@link Resolved#pinned})
 * and a resumed request uses the very schema it started with.
 */
public interface AvroSubjects {
    record Resolved(String subject, int id, Schema schema) {
        /** The reference that always resolves to this schema. */
        public String pinned() {
            return subject + "#" + id;
        }
    }

    /** The registry could not answer now (down, a server error): ask again later; the reference may be fine. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Throws {@link IllegalArgumentException} for a malformed reference, {@link Unavailable} when the registry cannot
     * answer now, or the registry's exception for a definitive answer (no such subject, version or id).
     */
    Resolved resolve(String ref);

    /** Against a registry client. */
    static AvroSubjects of(SchemaRegistryClient client) {
        return ref -> {
            try {
                return resolve(client, ref);
            } catch (SchemaRegistryException e) {
                if (e.isDefinitive()) throw e;
                throw new Unavailable("the schema registry could not resolve '" + ref + "' now: " + e.getMessage(), e);
            }
        };
    }

    /** Resolves against the registry; the client's exception on failure. */
    private static Resolved resolve(SchemaRegistryClient client, String ref) {
        int hash = ref.lastIndexOf('#'), colon = ref.lastIndexOf(':');
        try {
            if (hash > 0) {
                String subject = ref.substring(0, hash);
                int id = Integer.parseInt(ref.substring(hash + 1));
                return new Resolved(subject, id, client.getById(id));
            }
            if (colon > 0 && !ref.substring(colon + 1).equals("latest")) {
                var v = client.version(ref.substring(0, colon), Integer.parseInt(ref.substring(colon + 1)));
                return new Resolved(v.subject(), v.id(), v.schema());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("avro_subject '" + ref + "' is not SUBJECT, SUBJECT:VERSION or SUBJECT#SCHEMA_ID");
        }
        String subject = colon > 0 ? ref.substring(0, colon) : ref;
        if (subject.isBlank()) throw new IllegalArgumentException("avro_subject is empty");
        var latest = client.latest(subject);
        return new Resolved(latest.subject(), latest.id(), latest.schema());
    }
}
