package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Perplexity against llama-perplexity's own figures on the demo model (shared/models/kjv-llama-6m). Tolerance:
 * the chunk count must be equal, and every running PPL and the final PPL within 0.2% relative for bf16 (float
 * weights on both sides: measured 0.05%) and 1% for q8_0 (llama.cpp also rounds activations to 8 bits inside
 * its matmuls; measured up to 0.55% on one 64-token half-chunk, 0.3% on the final figure). A perplexity is
 * exp(mean NLL), so 1% is 0.01 nats per scored token, inside the per-logit reference tolerances (0.02 bf16,
 * 0.35 q8_0), and far below what a protocol error moves (scoring the whole chunk, overlapping chunks, or a
 * missing/extra BOS change these figures by 10% or more). The error bar gets twice the tolerance.
 */
class PerplexityTest {

    @ParameterizedTest
    @CsvSource({"kjv-llama-6m.bf16.gguf, 64", "kjv-llama-6m.bf16.gguf, 128", "kjv-llama-6m.q8_0.gguf, 64", "kjv-llama-6m.q8_0.gguf, 128"})
    void matchesLlamaPerplexity(String file, int ctx) throws IOException {
        double rel = file.contains("bf16") ? 0.002 : 0.01;
        Path dir = SharedData.require("models/kjv-llama-6m");
        JsonNode ref = null;
        for (JsonNode r : new ObjectMapper().readTree(dir.resolve("perplexity.llamacpp.json").toFile()).get("results")) {
            if (r.get("model").asText().equals(file) && r.get("ctx").asInt() == ctx) ref = r;
        }
        assertThat(ref).as("reference for %s at -c %d", file, ctx).isNotNull();
        String text = Files.readString(dir.resolve("perplexity.txt"));
        try (Model m = Model.load(dir.resolve(file), 2)) {
            int[] tokens = m.tokenizer().encode(text, true, false);
            List<Double> running = new ArrayList<>();
            Perplexity.Result r = Perplexity.compute(m.transformer(), tokens, ctx, 32, m.tokenizer().bosId(), m.tokenizer().addsBos(),
                    p -> running.add(p.ppl()));
            System.out.printf("%s -c %d: PPL = %.4f +/- %.5f (llama.cpp %.4f +/- %.5f)%n", file, ctx, r.ppl(), r.error(),
                    ref.get("final_ppl").asDouble(), ref.get("final_err").asDouble());
            assertThat(r.chunks()).isEqualTo(ref.get("chunks").asInt());
            JsonNode expected = ref.get("running_ppl_after_each_chunk");
            assertThat(running).hasSize(expected.size());
            for (int i = 0; i < running.size(); i++) {
                double e = expected.get(i).asDouble();
                assertThat(running.get(i)).as("running PPL after chunk %d", i + 1).isCloseTo(e, within(e * rel));
            }
            double ppl = ref.get("final_ppl").asDouble(), err = ref.get("final_err").asDouble();
            assertThat(r.ppl()).isCloseTo(ppl, within(ppl * rel));
            assertThat(r.error()).isCloseTo(err, within(err * rel * 2));
        }
    }
}
