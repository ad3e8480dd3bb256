package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.engine.kernels.VectorWidth;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The golden lines (token ids and logit-bit hashes) hold with the vector species forced to 256 bits and at the
 * machine's native width, on 1 and 3 threads, run alone and batched together. Each width needs its own JVM: the
 * kernels fix their species when their classes load.
 */
class VectorWidthInvarianceTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"256", "native"})
    void goldenLinesHoldAtThisWidth(String species) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                new File(System.getProperty("java.home"), "bin/java").getPath(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-D" + VectorWidth.PROPERTY + "=" + species,
                "-Dgenstream.home=" + System.getProperty("genstream.home", ".."),
                "-cp", System.getProperty("java.class.path"),
                GoldenProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("probe exit; output:%n%s", out).isZero();

        int expectedBits = species.equals("256") ? 256 : Math.max(256, VectorWidth.nativeBits());
        assertThat(out).as("width the probe ran at").startsWith("bits " + expectedBits + "\n");
        Map<String, Map<String, String>> byRun = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (!line.startsWith("run ")) continue;
            String[] f = line.split(" ", 4);
            byRun.computeIfAbsent(f[1], k -> new LinkedHashMap<>()).put(f[2], f[3]);
        }
        assertThat(byRun.keySet()).containsExactly("threads=1,batched=false", "threads=1,batched=true",
                "threads=3,batched=false", "threads=3,batched=true");
        for (Map<String, String> lines : byRun.values()) GoldenOutputTest.assertMatchesGolden(lines);
    }
}
