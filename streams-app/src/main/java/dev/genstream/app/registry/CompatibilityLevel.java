package dev.genstream.app.registry;

import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/** The registry's compatibility levels, checked with Avro's own reader/writer resolution rules. */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    public static CompatibilityLevel parse(String level) {
        return valueOf(level.strip().toUpperCase(Locale.ROOT));
    }

    /** Whether {@code candidate} may follow {@code existing} (oldest first) under this level. */
    public boolean allows(Schema candidate, List<Schema> existing) {
        if (this == NONE || existing.isEmpty()) return true;
        List<Schema> against = name().endsWith("_TRANSITIVE") ? existing : List.of(existing.getLast());
        boolean backward = this != FORWARD && this != FORWARD_TRANSITIVE;
        boolean forward = this != BACKWARD && this != BACKWARD_TRANSITIVE;
        for (Schema old : against) {
            // BACKWARD: consumers on the new schema read old data; FORWARD: consumers on the old read new data.
            if (backward && !canRead(candidate, old)) return false;
            if (forward && !canRead(old, candidate)) return false;
        }
        return true;
    }

    private static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
}
