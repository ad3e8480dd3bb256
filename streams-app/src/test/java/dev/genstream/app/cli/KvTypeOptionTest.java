package dev.genstream.app.cli;

import static dev.genstream.app.cli.CliContractTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.app.cli.CliContractTest.Run;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.app.streams.ModelService;
import dev.genstream.engine.io.Npy;
import dev.genstream.engine.model.KvType;
import dev.genstream.engine.testing.Reference;
import dev.genstream.engine.testing.SharedData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --kv-type on logits/generate/bench and genstream.kv.type in the service. */
class KvTypeOptionTest {
    @TempDir
    Path dir;

    @Test
    void logitsWithAnF16CacheStayWithinTheF32BoundOfTheReference() throws Exception {
        Path modelDir = SharedData.require("models/kjv-llama-6m");
        Reference.Case c = Reference.cases(modelDir).get(0);
        Path out = dir.resolve("l.npy");
        Run r = run("logits", "--model", modelDir.resolve("kjv-llama-6m.bf16.gguf").toString(), "--kv-type", "f16",
                "--ids", ContextSizeTest.csv(c.allIds()), "--out", out.toString(), "-t", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        Npy.Array got = Npy.read(out), ref = c.logits();
        assertThat(got.data().length).isEqualTo(ref.data().length);
        double maxDiff = 0;
        for (int i = 0; i < ref.data().length; i++) maxDiff = Math.max(maxDiff, Math.abs(got.data()[i] - ref.data()[i]));
        assertThat(maxDiff).isPositive().isLessThanOrEqualTo(0.02);
    }

    @Test
    void aBadTypeIsOneLineNamingTheFlag() {
        Run r = run("generate", "--kv-type", "q4", "-p", "In the beginning", "-n", "2");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString().contains("--kv-type must be f32 or f16, got 'q4'");
    }

    @Test
    void benchReportsTheCacheType() {
        Run r = run("bench", "--kv-type", "f16", "--prompt-tokens", "8", "--gen-tokens", "4", "--batch", "2", "--repeat", "1", "-t", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("KV cache f16");
    }

    @Test
    void theServiceTakesItsCacheTypeFromTheConfiguration() {
        GenstreamConfig f16 = GenstreamConfig.of(Map.of(GenstreamConfig.KV_TYPE, "f16", GenstreamConfig.THREADS, "1"), Map.of());
        try (ModelService s = ModelService.fromConfig(f16)) {
            assertThat(s.model().transformer().kvType()).isEqualTo(KvType.F16);
            assertThat(s.model().transformer().newCache(8).type()).isEqualTo(KvType.F16);
        }
        GenstreamConfig bad = GenstreamConfig.of(Map.of(GenstreamConfig.KV_TYPE, "f8"), Map.of());
        assertThatThrownBy(() -> ModelService.fromConfig(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("genstream.kv.type must be f32 or f16, got 'f8'");
    }
}
