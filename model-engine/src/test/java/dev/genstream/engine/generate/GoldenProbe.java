package dev.genstream.engine.generate;

import dev.genstream.engine.kernels.VectorWidth;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.testing.BundledModel;
import java.util.Map;

/**
 * Run in a child JVM by {@link VectorWidthInvarianceTest} (the vector width is fixed when the kernels load): prints
 * the width the kernels ran at, then the golden lines for each thread count and batch mode.
 */
public final class GoldenProbe {
    private GoldenProbe() {}

    public static void main(String[] args) throws Exception {
        System.out.println("bits " + VectorWidth.bits());
        for (int threads : new int[] {1, 3}) {
            try (Model m = Model.load(BundledModel.path(), threads)) {
                for (boolean batched : new boolean[] {false, true}) {
                    for (Map.Entry<String, String> e : GoldenOutputTest.lines(m, batched).entrySet()) {
                        System.out.println("run threads=" + threads + ",batched=" + batched + " " + e.getKey() + " " + e.getValue());
                    }
                }
            }
        }
    }
}
