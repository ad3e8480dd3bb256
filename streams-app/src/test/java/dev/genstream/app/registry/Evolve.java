package dev.genstream.app.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Test helper: a copy of a record schema with one more field, as a schema change would make it. */
final class Evolve {
    private Evolve() {
    }

    static Schema withField(Schema record, Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) fields.add(new Schema.Field(f, f.schema()));
        fields.add(extra);
        Schema copy = Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
        record.getObjectProps().forEach(copy::addProp);
        return copy;
    }

    /** PromptRequest plus an optional {@code priority} int defaulting to 0: a BACKWARD-compatible change. */
    static Schema withPriority(Schema record) {
        return withField(record, new Schema.Field("priority", Schema.create(Schema.Type.INT),
                "Scheduling priority; higher first.", 0));
    }

    /** PromptRequest plus a required {@code tenant} string without default: not BACKWARD-compatible. */
    static Schema withRequiredTenant(Schema record) {
        Schema string = Schema.create(Schema.Type.STRING);
        string.addProp("avro.java.string", "String");
        return withField(record, new Schema.Field("tenant", string, "Owning tenant.", (Object) null));
    }
}
