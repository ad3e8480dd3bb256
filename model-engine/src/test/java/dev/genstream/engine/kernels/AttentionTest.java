package dev.genstream.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tiled attention scores are, bit for bit, what a per-position {@link Ops#dot} gives on the same keys laid out
 * position-major (f16 keys: on the widened keys): over full and narrower last tiles, rings that wrap, every start
 * within a tile, and head sizes with and without a tail past a multiple of 8.
 */
class AttentionTest {
    private static final int[][] SHAPES = { // slots, kvHeads, headDim
        {64, 2, 64}, {37, 3, 12}, {100, 1, 80}, {16, 2, 3}, {150, 2, 128}, {9, 1, 8}, {48, 1, 136}};

    @Test
    void scoresEqualThePerPositionDot() {
        SplittableRandom rnd = new SplittableRandom(3);
        int checked = 0;
        for (int[] shape : SHAPES) {
            int slots = shape[0], kvHeads = shape[1], hd = shape[2], kvDim = kvHeads * hd;
            float[] k = new float[slots * kvDim], v = new float[slots * kvDim], kt = new float[slots * kvDim];
            short[] k16 = new short[slots * kvDim], v16 = new short[slots * kvDim], kt16 = new short[slots * kvDim];
            float[] kw = new float[slots * kvDim], vw = new float[slots * kvDim]; // the f16 values widened
            for (int s = 0; s < slots; s++) {
                int at = Attention.keyIndex(s, kvDim), stride = Attention.keyStride(s, slots);
                for (int i = 0; i < kvDim; i++) {
                    int p = s * kvDim + i;
                    k[p] = kt[at + i * stride] = (float) rnd.nextGaussian();
                    v[p] = (float) rnd.nextGaussian();
                    k16[p] = kt16[at + i * stride] = Float.floatToFloat16((float) rnd.nextGaussian() * 3);
                    v16[p] = Float.floatToFloat16((float) rnd.nextGaussian());
                    kw[p] = Float.float16ToFloat(k16[p]);
                    vw[p] = Float.float16ToFloat(v16[p]);
                }
            }
            float[] q = new float[5 + hd];
            for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
            for (int trial = 0; trial < 40; trial++) {
                int start = rnd.nextInt(slots), len = 1 + rnd.nextInt(slots), kvOff = rnd.nextInt(kvHeads) * hd;
                if (trial < 3) len = slots; // a full ring
                float scale = 0.125f + rnd.nextInt(3);
                float[] expect = new float[len], expect16 = new float[len], got = new float[len], got16 = new float[len];
                for (int i = 0; i < len; i++) {
                    int slot = (start + i) % slots;
                    expect[i] = Ops.dot(q, 5, k, slot * kvDim + kvOff, hd) * scale;
                    expect16[i] = Ops.dot(q, 5, kw, slot * kvDim + kvOff, hd) * scale;
                }
                Attention.scores(q, 5, kt, slots, kvDim, kvOff, hd, start, len, scale, got);
                Attention.scores(q, 5, kt16, slots, kvDim, kvOff, hd, start, len, scale, got16);
                assertThat(got).as("f32 scores, shape %s start %d len %d", Arrays.toString(shape), start, len).containsExactly(expect);
                assertThat(got16).as("f16 scores, shape %s start %d len %d", Arrays.toString(shape), start, len).containsExactly(expect16);

                checked++;
            }
        }
        assertThat(checked).isEqualTo(SHAPES.length * 40);
    }

    @Test
    void aKeysTileIsDimensionMajorAndTheLastTileNarrower() {
        // 20 slots of kvDim 4: slots 0..15 in a tile of width 16, slots 16..19 in one of width 4.
        assertThat(Attention.keyIndex(0, 4)).isZero();
        assertThat(Attention.keyIndex(5, 4)).isEqualTo(5);
        assertThat(Attention.keyStride(5, 20)).isEqualTo(16);
        assertThat(Attention.keyIndex(17, 4)).isEqualTo(16 * 4 + 1);
        assertThat(Attention.keyStride(17, 20)).isEqualTo(4);
    }
}
