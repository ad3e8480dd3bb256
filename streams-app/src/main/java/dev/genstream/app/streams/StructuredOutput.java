package dev.genstream.app.streams;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * A completion's parsed record, already in the Confluent wire format under its subject's schema id, on its way
 * from the generation processor to the structured topic (it travels with the processor's other outputs, which
 * are all SpecificRecords, so it is one of them; only its bytes are written).
 */
record StructuredOutput(byte[] wire) implements SpecificRecord {
    private static final Schema SCHEMA = Schema.create(Schema.Type.BYTES);

    @Override
    public Schema getSchema() {
        return SCHEMA;
    }

    @Override
    public Object get(int i) {
        throw new UnsupportedOperationException("StructuredOutput is written as raw bytes");
    }

    @Override
    public void put(int i, Object v) {
        throw new UnsupportedOperationException("StructuredOutput is written as raw bytes");
    }
}
