package dev.genstream.engine.model;

import dev.genstream.engine.kernels.Attention;
import dev.genstream.engine.kernels.Ops;
import dev.genstream.engine.kernels.Parallel;
import dev.genstream.engine.kernels.Rope;
import dev.genstream.engine.kernels.WeightMatrix;
import java.util.List;

/**
 * The decoder forward pass, shared by every architecture. One call runs a batch of rows: the new tokens of
 * one or more sequences, each at its own position in its own KV cache. Prefill (many rows of one sequence),
 * batched decode (one row of each of many sequences) and any mix are the same code, and every output value
 * is computed the same way whatever else is in the batch. For each layer:
 * <pre>
 *   h = x + Attn(Norm(x))
 *   x = h + FFN(Norm(h))
 * </pre>
 * then {@code logits = W · Norm(x)}. Not thread-safe: one caller at a time (the scheduler).
 */
public final class Transformer {
    /** One sequence's part of a batch: the tokens to append to its cache, and whether to return every row's logits. */
    public record Step(KvCache cache, int[] tokens, boolean allLogits) {
        public Step(KvCache cache, int[] tokens) {
            this(cache, tokens, false);
        }
    }

    private final ModelConfig c;
    private final Weights w;
    private final int contextSize;
    private final KvType kvType;
    private final Rope rope, localRope;
    private final Parallel parallel;
    private Workspace ws;
    /** Each thread's attention scores, kept across calls: one array per thread, grown to the longest row seen. */
    private final ThreadLocal<float[]> scoreScratch = ThreadLocal.withInitial(() -> new float[0]);

    public Transformer(ModelConfig config, Weights weights, Parallel parallel) {
        this(config, weights, parallel, config.contextLength());
    }

    /**
     * A forward pass for sequences of up to {@code contextSize} tokens; LongRoPE picks its short or long factors by
     * it, as llama.cpp does by n_ctx.
     */
    public Transformer(ModelConfig config, Weights weights, Parallel parallel, int contextSize) {
        this(config, weights, parallel, contextSize, KvType.F32);
    }

    /** As above, with every cache {@link #newCache} makes storing keys and values as {@code kvType}. */
    public Transformer(ModelConfig config, Weights weights, Parallel parallel, int contextSize, KvType kvType) {
        this.kvType = kvType;
        this.c = config;
        this.w = weights;
        this.parallel = parallel;
        this.contextSize = contextSize;
        if (config.arch().positions() == Architecture.Positions.LEARNED) {
            this.rope = this.localRope = null;
        } else {
            Rope.Layout layout = config.arch().positions().ropeLayout();
            float[] factors = weights.ropeFactorsLong() != null && contextSize > config.ropeOriginalContext()
                    ? weights.ropeFactorsLong() : weights.ropeFreqFactors();
            this.rope = new Rope(layout, config.ropeDim(), config.ropeTheta(), factors, config.ropeFreqScale(), config.ropeAttnFactor());
            this.localRope = new Rope(layout, config.ropeDim(), config.ropeThetaLocal(), factors, 1f, config.ropeAttnFactor());
        }
        this.ws = new Workspace(0);
    }

    /** How the caches {@link #newCache} makes store keys and values. */
    public KvType kvType() {
        return kvType;
    }

    /** The longest sequence this forward pass was set up for. */
    public int contextSize() {
        return contextSize;
    }

    public ModelConfig config() {
        return c;
    }

    /** Bytes of weights one decode step reads. */
    public long weightBytesPerToken() {
        return w.bytesPerToken();
    }

    /** A cache for one sequence of up to {@code capacity} tokens, at most the context size. */
    public KvCache newCache(int capacity) {
        if (capacity > contextSize) {
            throw new ContextSizeException("a sequence of " + capacity + " tokens exceeds the context size of " + contextSize
                    + " this model was loaded for");
        }
        return new KvCache(c, capacity, kvType);
    }

    /**
     * Appends each step's tokens to its cache and returns, per step, the logits of its last token
     * ({@code [vocab]}) or of all its tokens ({@code [tokens * vocab]}) when it asked for all.
     */
    public synchronized float[][] forward(List<Step> batch) {
        Rows rows = Rows.of(batch, c);
        int n = rows.count();
        if (ws.rows < n) ws = new Workspace(n);
        float[] x = ws.x;

        embed(rows, x);
        for (int l = 0; l < c.layers(); l++) {
            Weights.Layer layer = w.layers()[l];
            norm(layer.attnNorm(), x, ws.xb, n);
            attention(l, layer, rows);
            if (layer.postAttnNorm() != null) norm(layer.postAttnNorm(), ws.out, ws.out, n);
            Ops.add(ws.out, 0, x, 0, n * c.dim());
            norm(layer.ffnNorm(), x, ws.xb, n);
            ffn(layer, n);
            if (layer.postFfnNorm() != null) norm(layer.postFfnNorm(), ws.out, ws.out, n);
            Ops.add(ws.out, 0, x, 0, n * c.dim());
        }
        for (Step s : batch) s.cache().advance(s.tokens().length);
        return logits(batch, rows, x);
    }

    private void embed(Rows rows, float[] x) {
        float scale = (float) Math.sqrt(c.dim());
        for (int r = 0; r < rows.count(); r++) {
            int token = rows.token()[r];
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            }
            w.tokenEmbedding().readRow(token, x, r * c.dim());
            if (c.arch().scaledEmbeddings()) {
                for (int i = r * c.dim(); i < (r + 1) * c.dim(); i++) x[i] *= scale;
            }
            if (w.positionEmbedding() != null) {
                if (rows.pos()[r] >= w.positionEmbedding().rows()) {
                    throw new ContextOverflowException(rows.pos()[r], 1, w.positionEmbedding().rows());
                }
                w.positionEmbedding().readRow(rows.pos()[r], ws.xb, 0);
                Ops.add(ws.xb, 0, x, r * c.dim(), c.dim());
            }
        }
    }

    private void norm(Weights.NormWeights nw, float[] in, float[] out, int n) {
        for (int r = 0; r < n; r++) normRow(nw, in, r, out, r);
    }

    private void normRow(Weights.NormWeights nw, float[] in, int inRow, float[] out, int outRow) {
        int d = c.dim();
        if (c.arch().norm() == Architecture.Norm.RMS) {
            Ops.rmsNorm(out, outRow * d, in, inRow * d, nw.weight(), d, c.normEps());
        } else {
            Ops.layerNorm(out, outRow * d, in, inRow * d, nw.weight(), nw.bias(), d, c.normEps());
        }
    }

    /** out = in · Wᵀ + bias for n rows. */
    private void project(WeightMatrix m, float[] bias, float[] in, int n, float[] out) {
        m.matmul(in, n, out, parallel);
        if (bias != null) {
            for (int r = 0; r < n; r++) Ops.addBias(out, r * m.rows(), bias);
        }
    }

    private void attention(int l, Weights.Layer layer, Rows rows) {
        int n = rows.count(), qDim = c.qDim(), kvDim = c.kvDim();
        if (layer.wqkv() != null) {
            project(layer.wqkv(), layer.bqkv(), ws.xb, n, ws.qkv);
            int stride = qDim + 2 * kvDim;
            for (int r = 0; r < n; r++) {
                System.arraycopy(ws.qkv, r * stride, ws.q, r * qDim, qDim);
                System.arraycopy(ws.qkv, r * stride + qDim, ws.k, r * kvDim, kvDim);
                System.arraycopy(ws.qkv, r * stride + qDim + kvDim, ws.v, r * kvDim, kvDim);
            }
        } else {
            project(layer.wq(), layer.bq(), ws.xb, n, ws.q);
            project(layer.wk(), layer.bk(), ws.xb, n, ws.k);
            project(layer.wv(), layer.bv(), ws.xb, n, ws.v);
        }
        for (int r = 0; r < n; r++) {
            if (layer.qNorm() != null) headNorm(layer.qNorm(), ws.q, r * qDim, c.heads());
            if (layer.kNorm() != null) headNorm(layer.kNorm(), ws.k, r * kvDim, c.kvHeads());
            if (rope != null) {
                Rope layerRope = c.slidingLayer(l) ? localRope : rope;
                layerRope.angles(rows.pos()[r], ws.cos, ws.sin);
                layerRope.apply(ws.q, r * qDim, c.heads(), c.headDim(), ws.cos, ws.sin);
                layerRope.apply(ws.k, r * kvDim, c.kvHeads(), c.headDim(), ws.cos, ws.sin);
            }
            KvCache cache = rows.cache()[r];
            cache.store(l, rows.pos()[r], ws.k, r * kvDim, ws.v, r * kvDim);
        }
        // Every (row, head) on its own; later rows first, as in a prefill they see the most positions, so the
        // threads claiming chunks finish on the light ones together.
        parallel.forRange(n * c.heads(), (from, to) -> {
            float[] scores = scoreScratch.get();
            if (scores.length <= rows.maxPos()) scoreScratch.set(scores = new float[rows.maxPos() + 1]);
            for (int i = from; i < to; i++) attendHead(l, n - 1 - i / c.heads(), i % c.heads(), rows, scores);
        });
        project(layer.wo(), layer.bo(), ws.att, n, ws.out);
    }

    /** RMSNorm of each head's vector on its own (qwen3's and gemma3's q/k norms), in place. */
    private void headNorm(float[] weight, float[] x, int off, int nHeads) {
        for (int h = 0; h < nHeads; h++) {
            int o = off + h * c.headDim();
            Ops.rmsNorm(x, o, x, o, weight, c.headDim(), c.normEps());
        }
    }

    /**
     * softmax(q·Kᵀ·scale) · V for one head of one row, over its own sequence's positions: 0..pos, or on a
     * sliding-window layer only the last {@code slidingWindow} of them. Scores are soft-capped where the model says.
     */
    private void attendHead(int l, int r, int h, Rows rows, float[] scores) {
        int hd = c.headDim(), kvDim = c.kvDim();
        int kvOff = (h / (c.heads() / c.kvHeads())) * hd;
        int qOff = r * c.qDim() + h * hd;
        KvCache cache = rows.cache()[r];
        int first = c.slidingLayer(l) ? Math.max(0, rows.pos()[r] - c.slidingWindow() + 1) : 0;
        int len = rows.pos()[r] + 1 - first;
        // positions first.. sit in consecutive slots that wrap once at most (a ring of a window layer)
        int slots = cache.slots(l), start = first % slots;
        if (cache.type() == KvType.F16) {
            Attention.scores(ws.q, qOff, cache.keys16(l), slots, kvDim, kvOff, hd, start, len, c.attentionScale(), scores);
        } else {
            Attention.scores(ws.q, qOff, cache.keys(l), slots, kvDim, kvOff, hd, start, len, c.attentionScale(), scores);
        }
        if (c.attnSoftcap() > 0) Ops.softcap(scores, 0, len, c.attnSoftcap());
        Ops.softmax(scores, 0, len);
        java.util.Arrays.fill(ws.att, qOff, qOff + hd, 0f);
        if (cache.type() == KvType.F16) {
            short[] values = cache.values16(l);
            for (int i = 0, slot = start; i < len; i++, slot = slot + 1 == slots ? 0 : slot + 1) {
                Ops.axpyF16(scores[i], values, slot * kvDim + kvOff, ws.att, qOff, hd);
            }
        } else {
            float[] values = cache.values(l);
            for (int i = 0, slot = start; i < len; i++, slot = slot + 1 == slots ? 0 : slot + 1) {
                Ops.axpy(scores[i], values, slot * kvDim + kvOff, ws.att, qOff, hd);
            }
        }
    }

    private void ffn(Weights.Layer layer, int n) {
        int f = c.ffnDim();
        Architecture.Ffn kind = c.arch().ffn();
        if (kind == Architecture.Ffn.GELU) {
            project(layer.wUp(), layer.bUp(), ws.xb, n, ws.hb);
            Ops.geluTanh(ws.hb, 0, n * f);
        } else {
            if (c.arch().fusedGateUp()) {
                // One matrix gives each row's gate, then its up; split them as two separate projections would.
                project(layer.wUp(), layer.bUp(), ws.xb, n, ws.gateUp);
                for (int r = 0; r < n; r++) {
                    System.arraycopy(ws.gateUp, 2 * r * f, ws.hb, r * f, f);
                    System.arraycopy(ws.gateUp, (2 * r + 1) * f, ws.hb2, r * f, f);
                }
            } else {
                project(layer.wGate(), layer.bGate(), ws.xb, n, ws.hb);
                project(layer.wUp(), layer.bUp(), ws.xb, n, ws.hb2);
            }
            if (kind == Architecture.Ffn.SWIGLU) Ops.siluMul(ws.hb, 0, ws.hb2, 0, n * f);
            else Ops.geluMul(ws.hb, 0, ws.hb2, 0, n * f);
        }
        project(layer.wDown(), layer.bDown(), ws.hb, n, ws.out);
    }

    /** Only rows whose logits were asked for go through the (large) output matrix. */
    private float[][] logits(List<Step> batch, Rows rows, float[] x) {
        int vocab = c.vocabSize();
        int wanted = 0;
        for (Step s : batch) wanted += s.allLogits() ? s.tokens().length : 1;
        float[] selected = new float[wanted * c.dim()];
        int k = 0, first = 0;
        for (Step s : batch) {
            int len = s.tokens().length;
            for (int j = s.allLogits() ? 0 : len - 1; j < len; j++) normRow(w.outputNorm(), x, first + j, selected, k++);
            first += len;
        }
        float[] all = new float[wanted * vocab];
        w.output().matmul(selected, wanted, all, parallel);
        if (c.finalSoftcap() > 0) Ops.softcap(all, 0, all.length, c.finalSoftcap());
        float[][] result = new float[batch.size()][];
        int offset = 0;
        for (int i = 0; i < batch.size(); i++) {
            Step s = batch.get(i);
            int size = (s.allLogits() ? s.tokens().length : 1) * vocab;
            result[i] = batch.size() == 1 ? all : java.util.Arrays.copyOfRange(all, offset, offset + size);
            offset += size;
        }
        return result;
    }

    /** Scratch buffers sized for a number of rows, reused across calls. */
    private final class Workspace {
        final int rows;
        final float[] x, xb, q, k, v, qkv, att, out, hb, hb2, gateUp, cos, sin;

        Workspace(int rows) {
            this.rows = rows;
            x = new float[rows * c.dim()];
            xb = new float[Math.max(rows, 1) * c.dim()];
            q = new float[rows * c.qDim()];
            k = new float[rows * c.kvDim()];
            v = new float[rows * c.kvDim()];
            qkv = c.arch().fusedQkv() ? new float[rows * (c.qDim() + 2 * c.kvDim())] : null;
            att = new float[rows * c.qDim()];
            out = new float[rows * c.dim()];
            hb = new float[rows * c.ffnDim()];
            hb2 = new float[rows * c.ffnDim()];
            gateUp = c.arch().fusedGateUp() ? new float[rows * 2 * c.ffnDim()] : null;
            cos = new float[c.ropeDim() / 2];
            sin = new float[c.ropeDim() / 2];
        }
    }
}
