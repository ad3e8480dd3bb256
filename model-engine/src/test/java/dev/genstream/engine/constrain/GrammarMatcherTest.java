package dev.genstream.engine.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.generate.FinishReason;
import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.generate.Generator;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token mask against a brute-force check of every token, and how generation closes near max_tokens. */
class GrammarMatcherTest {
    static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(BundledModel.path(), 2);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void trieMaskEqualsTokenByTokenMatching() {
        Tokenizer tok = model.tokenizer();
        Grammar g = JsonSchemaCompiler.compile("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\"}},\"required\":[\"name\",\"n\"]}");
        GrammarMatcher m = new GrammarMatcher(g, tok);
        String prefix = "{\"name\": \"Mo";
        for (int step = 0; step < 3; step++) {
            long[] mask = m.computeMask(Integer.MAX_VALUE).clone();
            String done = step == 0 ? "" : step == 1 ? "{" : "{\"name\": \"Mo";
            Automaton a = g.automaton();
            Automaton.State s = a.start();
            for (byte b : done.getBytes(StandardCharsets.UTF_8)) s = a.next(s, b & 0xFF);
            int allowed = 0;
            for (int id = 0; id < tok.vocabSize(); id++) {
                boolean expected;
                if (tok.isEndOfGeneration(id)) expected = s.accepts();
                else {
                    byte[] bytes = tok.tokenBytes(id);
                    Automaton.State t = s;
                    for (byte b : bytes) t = a.next(t, b & 0xFF);
                    expected = bytes.length > 0 && !t.dead();
                }
                assertThat((mask[id >>> 6] & (1L << id)) != 0).as("token %d %s after '%s'", id, tok.token(id), done).isEqualTo(expected);
                if (expected) allowed++;
            }
            assertThat(allowed).isGreaterThan(0);
            if (step == 0) m.accept(-1, "{".getBytes(StandardCharsets.UTF_8), false);
            if (step == 1) m.accept(-1, prefix.substring(1).getBytes(StandardCharsets.UTF_8), false);
        }
    }

    @Test
    void generationClosesTheMatchWithinMaxTokens() {
        Grammar g = JsonSchemaCompiler.compile("{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":2}");
        int shortest = g.minLen[g.root]; // ["",""] = 7 bytes
        assertThat(shortest).isEqualTo(7);
        int[] prompt = model.tokenizer().encode("And God said,", true, true);
        Generator gen = new Generator(model, model.tokenizer(), 64);
        for (long seed = 0; seed < 8; seed++) {
            SamplingParams sp = SamplingParams.defaults().withTemperature(1.5).withSeed(seed);
            Generator.Result r = gen.generate(prompt, new GenerationParams(sp, shortest, List.of(), g), t -> {});
            assertThat(r.finishReason()).isIn(FinishReason.STOP, FinishReason.EOS);
            assertThat(g.matches(r.text().getBytes(StandardCharsets.UTF_8))).as(r.text()).isTrue();
            assertThat(r.incomplete()).isFalse();
        }
        // too few tokens for even the shortest match: the output ends as length, flagged incomplete
        Generator.Result r = gen.generate(prompt, new GenerationParams(SamplingParams.defaults().withSeed(1), 2, List.of(), g), t -> {});
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.incomplete()).isTrue();
        assertThat(g.matches(r.text().getBytes(StandardCharsets.UTF_8))).isFalse();
    }
}
