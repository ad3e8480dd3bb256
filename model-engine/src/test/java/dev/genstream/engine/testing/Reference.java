package dev.genstream.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.engine.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The HF reference cases of one shared/models folder: prompts, greedy continuations and logits. */
public final class Reference {
    public record Case(int index, String prompt, int[] promptIds, int[] greedyIds, String greedyText, float[] margins, Path logitsFile) {
        /** prompt_ids followed by greedy_ids: the teacher-forced sequence the logits were computed on. */
        public int[] allIds() {
            int[] all = new int[promptIds.length + greedyIds.length];
            System.arraycopy(promptIds, 0, all, 0, promptIds.length);
            System.arraycopy(greedyIds, 0, all, promptIds.length, greedyIds.length);
            return all;
        }

        public Npy.Array logits() {
            try {
                return Npy.read(logitsFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Reference() {}

    public static List<Case> cases(Path modelDir) {
        try {
            JsonNode root = new ObjectMapper().readTree(modelDir.resolve("reference.json").toFile());
            List<Case> cases = new ArrayList<>();
            int i = 0;
            for (JsonNode c : root.get("cases")) {
                cases.add(new Case(i, c.get("prompt").asText(), ints(c.get("prompt_ids")), ints(c.get("greedy_ids")),
                        c.get("greedy_text").asText(), floats(c.get("greedy_top2_margins")),
                        modelDir.resolve("logits." + i + ".npy")));
                i++;
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    private static float[] floats(JsonNode a) {
        float[] r = new float[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) a.get(i).asDouble();
        return r;
    }
}
