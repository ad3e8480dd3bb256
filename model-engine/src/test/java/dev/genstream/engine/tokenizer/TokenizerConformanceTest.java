package dev.genstream.engine.tokenizer;

import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * llama.cpp's test-tokenizer-0 vectors: every string of every {@code ggml-vocab-NAME.gguf} that has both an
 * {@code .inp} and an {@code .out} file must tokenize (no BOS/EOS, special tokens not parsed) to exactly the listed
 * ids.
 */
class TokenizerConformanceTest {
    private static final String DIR = "tokenizer-vectors";
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";
    private static final Map<Path, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    static Stream<Arguments> vectors() throws IOException {
        Path dir = SharedData.require(DIR);
        List<Arguments> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path gguf : files.filter(p -> p.getFileName().toString().matches("ggml-vocab-.*\\.gguf")).sorted().toList()) {
                Path inp = Path.of(gguf + ".inp");
                Path out = Path.of(gguf + ".out");
                if (!Files.exists(inp) || !Files.exists(out)) continue;
                String vocab = gguf.getFileName().toString().replaceAll("^ggml-vocab-|\\.gguf$", "");
                List<String> inputs = splitInputs(Files.readString(inp));
                List<String> expected = Files.readAllLines(out);
                assertThat(expected).as("%s: one .out line per input", vocab).hasSize(inputs.size());
                for (int i = 0; i < inputs.size(); i++) {
                    cases.add(Arguments.of(vocab + " #" + i, gguf, inputs.get(i), parseIds(expected.get(i))));
                }
            }
        }
        assertThat(cases).as("conformance vectors in %s", dir).isNotEmpty();
        return cases.stream();
    }

    /** test-tokenizer-0's reading: strings between separators, nothing after the last one. */
    private static List<String> splitInputs(String raw) {
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length()) {
            int next = raw.indexOf(SEPARATOR, pos);
            if (next < 0) {
                out.add(raw.substring(pos));
                break;
            }
            out.add(raw.substring(pos, next));
            pos = next + SEPARATOR.length();
        }
        return out;
    }

    private static int[] parseIds(String line) {
        String s = line.strip();
        return s.isEmpty() ? new int[0] : Arrays.stream(s.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    private static Tokenizer tokenizer(Path gguf) {
        return TOKENIZERS.computeIfAbsent(gguf, p -> {
            try (GgufFile f = GgufFile.open(p)) {
                return Tokenizer.fromGguf(f.metadata());
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot load " + p, e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesLikeLlamaCpp(String name, Path gguf, String input, int[] expected) {
        Tokenizer t = tokenizer(gguf);
        int[] ids = t.encode(input, false, false);
        assertThat(ids).as("%s: ids of %s", name, printable(input)).containsExactly(expected);
        if (!(t instanceof WpmTokenizer)) { // WordPiece lower-cases and drops spaces: no way back
            assertThat(t.decode(ids)).as("%s: decode(encode(s))", name).isEqualTo(input);
        }
    }

    private static String printable(String s) {
        return "\"" + s.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
