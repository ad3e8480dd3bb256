package dev.genstream.engine.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.genstream.engine.generate.FinishReason;
import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.generate.Generator;
import dev.genstream.engine.generate.Sequence;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.engine.testing.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The guarantee, sampled: for each schema, 50 generations at temperature 1 with different seeds, batched, on the
 * demo model and on a random-weight model. Every output that finishes stop/eos must parse and validate under
 * networknt's JSON Schema validator (independent of our compiler); every length finish must be flagged
 * incomplete. Each schema must also produce complete outputs, so the check cannot pass vacuously.
 */
class ConstrainedGenerationPropertyTest {
    static final int GENERATIONS = 50;
    static final int MAX_TOKENS = 40;
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonSchemaFactory VALIDATORS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    /** {grammar source kind, schema or Avro text, the JSON Schema that validates the output}. */
    record Case(String name, Grammar grammar, String validation) {}

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String s : TestSchemas.JSON_SCHEMAS) out.add(new Case(s, JsonSchemaCompiler.compile(s), s));
        out.add(new Case("json_object", Grammar.parse(JsonSchemaCompiler.anyObjectGbnf()), "{\"type\":\"object\"}"));
        out.add(new Case("avro " + TestSchemas.AVRO, AvroSchemaCompiler.compile(TestSchemas.AVRO), TestSchemas.AVRO_AS_JSON_SCHEMA));
        return out;
    }

    @Test
    void demoModelOutputsValidate() {
        try (Model m = Model.load(BundledModel.path(), 2)) {
            check(m, "And the LORD said unto Moses,");
        }
    }

    @Test
    void randomWeightModelOutputsValidate() {
        Path p = SharedData.require("models/rand-llama3/rand-llama3.f32.gguf");
        try (Model m = Model.load(p, 2)) {
            check(m, "The record:");
        }
    }

    private static void check(Model m, String promptText) {
        List<Case> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
        int[] prompt = m.tokenizer().encode(promptText, true, true);
        int completeTotal = 0;
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            // room for the shortest match plus some freedom (the Avro record's shortest form is ~100 bytes)
            int maxTokens = Math.max(MAX_TOKENS, k.grammar().minLen[k.grammar().root] + 24);
            Generator gen = new Generator(m, m.tokenizer(), prompt.length + maxTokens + 1);
            JsonSchema validator = VALIDATORS.getSchema(k.validation());
            List<Sequence> seqs = new ArrayList<>();
            List<Consumer<dev.genstream.engine.generate.TokenOutput>> sinks = new ArrayList<>();
            for (int i = 0; i < GENERATIONS; i++) {
                SamplingParams sp = SamplingParams.defaults().withTemperature(1.0).withSeed(1000L * c + i);
                seqs.add(gen.newSequence(prompt, new GenerationParams(sp, maxTokens, List.of(), k.grammar())));
                sinks.add(t -> {});
            }
            gen.runBatch(seqs, sinks);
            int complete = 0;
            for (Sequence s : seqs) {
                if (s.finishReason() == FinishReason.LENGTH) {
                    assertThat(s.incomplete()).isTrue();
                    continue;
                }
                complete++;
                JsonNode value;
                try {
                    value = JSON.readTree(s.text());
                } catch (Exception e) {
                    throw new AssertionError(k.name() + ": output does not parse: " + s.text(), e);
                }
                Set<ValidationMessage> errors = validator.validate(value);
                assertThat(errors).as("%s: %s", k.name(), s.text()).isEmpty();
            }
            assertThat(complete).as("complete outputs for %s", k.name()).isGreaterThan(0);
            completeTotal += complete;
        }
        System.out.printf("constrained outputs: %d of %d complete and valid%n", completeTotal, cases.size() * GENERATIONS);
    }
}
