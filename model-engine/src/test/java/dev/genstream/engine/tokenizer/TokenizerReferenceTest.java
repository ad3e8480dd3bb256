package dev.genstream.engine.tokenizer;

import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The kjv model's HF reference: its prompts must encode to HF's ids and its greedy ids decode to HF's text. */
class TokenizerReferenceTest {
    private static final Pattern STRING = Pattern.compile("\"(prompt|greedy_text)\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern IDS = Pattern.compile("\"(prompt_ids|greedy_ids)\":\\s*\\[([^\\]]*)]");

    @Test
    void matchesTheHuggingFaceTokenizer() throws IOException {
        Path dir = SharedData.require("models/kjv-llama-6m");
        String json = Files.readString(dir.resolve("reference.json"));
        Tokenizer t;
        try (GgufFile f = GgufFile.open(dir.resolve("kjv-llama-6m.bf16.gguf"))) {
            t = Tokenizer.fromGguf(f.metadata());
        }
        List<String> prompts = strings(json, "prompt");
        List<String> texts = strings(json, "greedy_text");
        List<int[]> promptIds = ids(json, "prompt_ids");
        List<int[]> greedyIds = ids(json, "greedy_ids");
        assertThat(prompts).isNotEmpty().hasSameSizeAs(promptIds).hasSameSizeAs(texts).hasSameSizeAs(greedyIds);
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(t.encode(prompts.get(i), true, false)).as("ids of %s", prompts.get(i)).containsExactly(promptIds.get(i));
            assertThat(t.decode(greedyIds.get(i))).as("text of case %d", i).isEqualTo(texts.get(i));
        }
    }

    /** The file holds plain ASCII strings; only \" \\ \n \t and \\uXXXX escapes are decoded. */
    private static List<String> strings(String json, String key) {
        List<String> out = new ArrayList<>();
        Matcher m = STRING.matcher(json);
        while (m.find()) {
            if (!m.group(1).equals(key)) continue;
            String raw = m.group(2);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = raw.charAt(++i);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> sb.append(e);
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static List<int[]> ids(String json, String key) {
        List<int[]> out = new ArrayList<>();
        Matcher m = IDS.matcher(json);
        while (m.find()) {
            if (!m.group(1).equals(key)) continue;
            String body = m.group(2).strip();
            out.add(body.isEmpty() ? new int[0]
                    : Arrays.stream(body.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray());
        }
        return out;
    }
}
