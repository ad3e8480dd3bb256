package dev.genstream.app.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every registry must do for the client and serdes, run against each registry we support. Subjects are
 * unique per test, so the tests share one registry.
 */
abstract class RegistryContract {
    SchemaRegistryClient client;

    /** The registry's Confluent-compatible base URL. */
    abstract String registryUrl();

    Map<String, Object> config() {
        Map<String, Object> c = new HashMap<>();
        c.put(RegistryConfig.URL, registryUrl());
        return c;
    }

    @BeforeEach
    void openClient() {
        client = SchemaRegistryClient.fromConfig(config());
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void registerReturnsAnIdAndGetByIdRoundTrips() {
        String subject = WireFormat.subject(Samples.topic("register"), false);
        int id = client.register(subject, PromptRequest.SCHEMA$);
        assertThat(id).isPositive();
        assertThat(client.register(subject, PromptRequest.SCHEMA$)).isEqualTo(id);

        try (SchemaRegistryClient fresh = SchemaRegistryClient.fromConfig(config())) {
            // The registry holds the schema as other languages see it: no Java-only avro.java.string hints.
            assertThat(fresh.getById(id)).isEqualTo(PortableSchema.of(PromptRequest.SCHEMA$));
            assertThat(fresh.lookupId(subject, PromptRequest.SCHEMA$)).isEqualTo(id);
            RegisteredSchema latest = fresh.latest(subject);
            assertThat(latest.subject()).isEqualTo(subject);
            assertThat(latest.version()).isEqualTo(1);
            assertThat(latest.id()).isEqualTo(id);
            assertThat(latest.schema()).isEqualTo(PortableSchema.of(PromptRequest.SCHEMA$));
        }
    }

    @Test
    void serializerWritesMagicByteSchemaIdAndAvroBinary() throws Exception {
        String topic = Samples.topic("wire");
        PromptRequest request = Samples.prompt("r-wire");
        byte[] bytes;
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, config(), false)) {
            bytes = serde.serializer().serialize(topic, request);
        }
        int id = client.lookupId(topic + "-value", PromptRequest.SCHEMA$);

        ByteArrayOutputStream expectedBody = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(expectedBody, null);
        new SpecificDatumWriter<PromptRequest>(PromptRequest.class).write(request, enc);
        enc.flush();

        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(expectedBody.toByteArray());
        assertThat(Arrays.copyOfRange(bytes, 0, 5))
                .containsExactly(0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id);
    }

    @Test
    void everyEventTypeRoundTripsThroughItsSerde() {
        assertRoundTrip(PromptRequest.class, Samples.prompt("r-all"));
        assertRoundTrip(TokenEvent.class, Samples.token());
        assertRoundTrip(Completion.class, Samples.completion());
        assertRoundTrip(DeadLetter.class, Samples.deadLetter());
    }

    private <T extends SpecificRecord> void assertRoundTrip(Class<T> type, T value) {
        String topic = Samples.topic(type.getSimpleName().toLowerCase());
        try (var serde = GenstreamSerdes.forClass(type, config(), false)) {
            byte[] bytes = serde.serializer().serialize(topic, value);
            assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(value);
            assertThat(serde.serializer().serialize(topic, null)).isNull();
            assertThat(serde.deserializer().deserialize(topic, null)).isNull();
        }
    }

    @Test
    void schemasAreRegisteredUnderTopicValueAndTopicKey() {
        String topic = Samples.topic("subjects");
        try (var values = GenstreamSerdes.forClass(PromptRequest.class, config(), false);
             var keys = GenstreamSerdes.forClass(TokenEvent.class, config(), true)) {
            byte[] value = values.serializer().serialize(topic, Samples.prompt("r-subj"));
            byte[] key = keys.serializer().serialize(topic, Samples.token());

            RegisteredSchema valueSubject = client.latest(topic + "-value");
            RegisteredSchema keySubject = client.latest(topic + "-key");
            assertThat(valueSubject.schema()).isEqualTo(PortableSchema.of(PromptRequest.SCHEMA$));
            assertThat(keySubject.schema()).isEqualTo(PortableSchema.of(TokenEvent.SCHEMA$));
            assertThat(ByteBuffer.wrap(value, 1, 4).getInt()).isEqualTo(valueSubject.id());
            assertThat(ByteBuffer.wrap(key, 1, 4).getInt()).isEqualTo(keySubject.id());
        }
    }

    @Test
    void afterTheFirstRecordTheSerdeMakesNoHttpCalls() {
        String topic = Samples.topic("cache");
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, config(), false)) {
            byte[] first = serde.serializer().serialize(topic, Samples.prompt("r-0"));
            serde.deserializer().deserialize(topic, first);
            long warm = serde.client().requestsSent();
            assertThat(warm).isBetween(1L, 2L); // register; getById is answered from the register cache

            for (int i = 1; i <= 200; i++) {
                PromptRequest r = Samples.prompt("r-" + i);
                assertThat(serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, r))).isEqualTo(r);
            }
            assertThat(serde.client().requestsSent()).isEqualTo(warm);
        }
        // A deserializer in another process knows only the id: one fetch, then none.
        try (var serializer = GenstreamSerdes.forClass(PromptRequest.class, config(), false);
             var reader = GenstreamSerdes.forClass(PromptRequest.class, config(), false)) {
            byte[] bytes = serializer.serializer().serialize(topic, Samples.prompt("r-x"));
            for (int i = 0; i < 50; i++) reader.deserializer().deserialize(topic, bytes);
            assertThat(reader.client().requestsSent()).isEqualTo(1);
        }
    }

    @Test
    void backwardCompatibleChangeIsAcceptedAndIncompatibleOneRejected() {
        String subject = Samples.topic("compat") + "-value";
        int v1 = client.register(subject, PromptRequest.SCHEMA$);
        client.setCompatibility(subject, "BACKWARD");
        assertThat(client.getCompatibility(subject)).isEqualTo("BACKWARD");

        Schema withPriority = Evolve.withPriority(PromptRequest.SCHEMA$);
        assertThat(client.isCompatible(subject, withPriority)).isTrue();
        int v2 = client.register(subject, withPriority);
        assertThat(v2).isNotEqualTo(v1);
        assertThat(client.latest(subject).version()).isEqualTo(2);

        Schema withTenant = Evolve.withRequiredTenant(withPriority);
        assertThat(client.isCompatible(subject, withTenant)).isFalse();
        SchemaRegistryException rejected = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.register(subject, withTenant));
        assertThat(rejected.status()).isEqualTo(409);
        assertThat(rejected.isIncompatible()).isTrue();
        assertThat(rejected.getMessage()).contains("409");
        assertThat(client.latest(subject).id()).isEqualTo(v2);
    }

    @Test
    void serializerReportsARejectedSchemaAsARegistryError() {
        String topic = Samples.topic("rejected");
        String subject = topic + "-value";
        client.register(subject, Evolve.withPriority(PromptRequest.SCHEMA$));
        client.setCompatibility(subject, "BACKWARD");
        GenericRecord tenantRecord = new GenericData.Record(Evolve.withRequiredTenant(PromptRequest.SCHEMA$));
        fill(tenantRecord, Samples.prompt("r-t"));
        tenantRecord.put("tenant", "acme");
        try (var serializer = new AvroSerializer<GenericRecord>(client).configure(false, true, false)) {
            AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                    () -> serializer.serialize(topic, tenantRecord));
            assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.REGISTRY_ERROR);
            assertThat(e.deadLetterCode()).isEmpty();
            assertThat(e.getCause()).isInstanceOfSatisfying(SchemaRegistryException.class,
                    c -> assertThat(c.status()).isEqualTo(409));
        }
    }

    @Test
    void oldRecordsDecodeWithTheNewReaderAndNewRecordsWithTheOld() {
        String topic = Samples.topic("evolve");
        String subject = topic + "-value";
        Schema v2 = Evolve.withPriority(PromptRequest.SCHEMA$);
        PromptRequest old = Samples.prompt("r-old");
        byte[] oldBytes;
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, config(), false)) {
            oldBytes = serde.serializer().serialize(topic, old);
        }
        client.setCompatibility(subject, "BACKWARD");

        // New reader, old data: the added field takes its default.
        try (var newReader = AvroDeserializer.generic(v2, client)) {
            GenericRecord read = newReader.deserialize(topic, oldBytes);
            assertThat(read.getSchema()).isEqualTo(v2);
            assertThat(read.get("priority")).isEqualTo(0);
            assertThat(read.get("request_id")).hasToString("r-old");
            assertThat(read.get("created_at")).isEqualTo(Samples.T0.toEpochMilli());
        }

        // New writer (auto-registers v2, allowed under BACKWARD), old reader: the extra field is skipped.
        GenericRecord newRecord = new GenericData.Record(v2);
        fill(newRecord, Samples.prompt("r-new"));
        newRecord.put("priority", 7);
        byte[] newBytes;
        try (var writer = new AvroSerializer<GenericRecord>(client).configure(false, true, false)) {
            newBytes = writer.serialize(topic, newRecord);
        }
        assertThat(ByteBuffer.wrap(newBytes, 1, 4).getInt()).isEqualTo(client.latest(subject).id())
                .isNotEqualTo(ByteBuffer.wrap(oldBytes, 1, 4).getInt());
        try (var oldReader = GenstreamSerdes.forClass(PromptRequest.class, config(), false)) {
            assertThat(oldReader.deserializer().deserialize(topic, newBytes)).isEqualTo(Samples.prompt("r-new"));
            assertThat(oldReader.deserializer().deserialize(topic, oldBytes)).isEqualTo(old);
        }
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestSchema() {
        String topic = Samples.topic("latest");
        String subject = topic + "-value";
        Schema v2 = Evolve.withPriority(PromptRequest.SCHEMA$);
        int v2Id = client.register(subject, v2);

        Map<String, Object> c = config();
        c.put(RegistryConfig.AUTO_REGISTER_SCHEMAS, "false");
        c.put(RegistryConfig.USE_LATEST_VERSION, true);
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, c, false);
             var v2Reader = AvroDeserializer.generic(v2, client)) {
            byte[] bytes = serde.serializer().serialize(topic, Samples.prompt("r-l"));
            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(v2Id);
            assertThat(v2Reader.deserialize(topic, bytes).get("priority")).isEqualTo(0);
            assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(Samples.prompt("r-l"));
        }
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFails() {
        Map<String, Object> c = config();
        c.put(RegistryConfig.AUTO_REGISTER_SCHEMAS, false);
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, c, false)) {
            AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                    () -> serde.serializer().serialize(Samples.topic("noauto"), Samples.prompt("r")));
            assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.REGISTRY_ERROR);
            assertThat(((SchemaRegistryException) e.getCause()).isNotFound()).isTrue();
        }
    }

    @Test
    void bytesThatAreNotInTheWireFormatAreNotAvro() {
        String topic = Samples.topic("junk");
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, config(), false)) {
            for (byte[] junk : new byte[][] {
                    {}, {0}, {0, 0, 0, 1},
                    "{\"request_id\":\"r1\",\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8),
                    {1, 0, 0, 0, 1, 2, 'r', '1'}}) {
                AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                        () -> serde.deserializer().deserialize(topic, junk));
                assertThat(e.kind()).as(Arrays.toString(junk)).isEqualTo(AvroSerdeException.Kind.NOT_AVRO);
                assertThat(e.deadLetterCode()).contains(ErrorCode.NOT_AVRO);
            }
            assertThat(serde.client().requestsSent()).isZero();
        }
    }

    @Test
    void aWellFormedHeaderWithAnUnknownIdIsUnknownSchema() {
        String topic = Samples.topic("unknown");
        byte[] valid;
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class, config(), false)) {
            valid = serde.serializer().serialize(topic, Samples.prompt("r-u"));
        }
        byte[] unknown = valid.clone();
        ByteBuffer.wrap(unknown, 1, 4).putInt(987_654_321);
        try (var reader = GenstreamSerdes.forClass(PromptRequest.class, config(), false)) {
            AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                    () -> reader.deserializer().deserialize(topic, unknown));
            assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.UNKNOWN_SCHEMA);
            assertThat(e.deadLetterCode()).contains(ErrorCode.UNKNOWN_SCHEMA);
            assertThat(e.getMessage()).contains("987654321");
            assertThat(e.getCause()).isInstanceOfSatisfying(SchemaRegistryException.class,
                    c -> assertThat(c.status()).isEqualTo(404));
            assertThat(reader.deserializer().deserialize(topic, valid)).isEqualTo(Samples.prompt("r-u"));
        }
    }

    @Test
    void aKnownIdWithGarbageBodyIsCorruptAndAnotherRecordTypeIsAMismatch() {
        String topic = Samples.topic("garbage");
        try (var prompts = GenstreamSerdes.forClass(PromptRequest.class, config(), false);
             var tokens = GenstreamSerdes.forClass(TokenEvent.class, config(), false)) {
            byte[] valid = prompts.serializer().serialize(topic, Samples.prompt("r-g"));
            byte[] truncated = Arrays.copyOf(valid, 9);
            AvroSerdeException corrupt = catchThrowableOfType(AvroSerdeException.class,
                    () -> prompts.deserializer().deserialize(topic, truncated));
            assertThat(corrupt.kind()).isEqualTo(AvroSerdeException.Kind.CORRUPT_PAYLOAD);
            assertThat(corrupt.deadLetterCode()).contains(ErrorCode.NOT_AVRO);

            assertThatThrownBy(() -> tokens.deserializer().deserialize(topic, valid))
                    .isInstanceOfSatisfying(AvroSerdeException.class,
                            e -> assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.SCHEMA_MISMATCH));
        }
    }

    /** Copies a PromptRequest's fields into a generic record of an evolved schema. */
    static void fill(GenericRecord target, PromptRequest source) {
        for (Schema.Field f : PromptRequest.SCHEMA$.getFields()) {
            Object v = source.get(f.pos());
            if (f.name().equals("created_at")) v = source.getCreatedAt().toEpochMilli();
            target.put(f.name(), v);
        }
    }
}
