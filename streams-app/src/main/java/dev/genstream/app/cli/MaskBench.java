package dev.genstream.app.cli;

import dev.genstream.engine.constrain.Grammar;
import dev.genstream.engine.constrain.GrammarMatcher;
import dev.genstream.engine.constrain.JsonSchemaCompiler;
import dev.genstream.engine.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * Per-token cost of a grammar mask on a model's vocabulary: a JSON Schema document is tokenized and replayed
 * through a {@link GrammarMatcher}, timing the whole mask (trie walk and writing -inf into the logits) before each
 * token. The first pass also builds the automaton's states; later passes are the steady state of a cached schema.
 */
final class MaskBench {
    static final String SCHEMA = """
            {"type":"object","properties":{"title":{"type":"string"},"mood":{"enum":["happy","sad","neutral"]},
             "tags":{"type":"array","items":{"type":"string"}},"verses":{"type":"array","items":{"type":"integer"}},
             "author":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name"]}},
             "required":["title","mood","tags"],"additionalProperties":false}""";
    static final String DOCUMENT = "{\"title\": \"The book of Genesis, chapter one: In the beginning\", \"mood\": \"happy\", "
            + "\"tags\": [\"creation\", \"light\", \"firmament\"], \"verses\": [1, 2, 3, 31], \"author\": {\"name\": \"Moses\", \"age\": 120}}";

    /** Milliseconds per token: the first pass's mean, and the median, mean and max of the passes after it. */
    record Result(int vocab, int steps, double firstPassMs, double medianMs, double meanMs, double maxMs) {}

    private MaskBench() {}

    static Result measure(Tokenizer tok, int repeat) {
        Grammar g = JsonSchemaCompiler.compile(SCHEMA);
        int[] ids = tok.encode(DOCUMENT, false, false);
        float[] logits = new float[tok.vocabSize()];
        double first = pass(g, tok, ids, logits)[0];
        double[] all = new double[repeat * ids.length];
        for (int r = 0; r < repeat; r++) System.arraycopy(pass(g, tok, ids, logits), 1, all, r * ids.length, ids.length);
        double[] sorted = all.clone();
        Arrays.sort(sorted);
        return new Result(tok.vocabSize(), ids.length, first, sorted[sorted.length / 2], Arrays.stream(all).average().orElse(0),
                sorted[sorted.length - 1]);
    }

    /** {mean ms of the pass, then each step's ms}. */
    private static double[] pass(Grammar g, Tokenizer tok, int[] ids, float[] logits) {
        GrammarMatcher m = new GrammarMatcher(g, tok);
        double[] out = new double[ids.length + 1];
        double sum = 0;
        for (int i = 0; i < ids.length; i++) {
            m.budget(1 << 20);
            Arrays.fill(logits, 0f);
            long t0 = System.nanoTime();
            m.apply(logits);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (logits[ids[i]] == Float.NEGATIVE_INFINITY) throw new IllegalStateException("the mask rejected the document's token " + ids[i]);
            out[i + 1] = ms;
            sum += ms;
            m.accept(ids[i], tok.tokenBytes(ids[i]), false);
        }
        out[0] = sum / ids.length;
        return out;
    }
}
