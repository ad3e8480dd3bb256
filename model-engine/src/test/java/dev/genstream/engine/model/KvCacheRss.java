package dev.genstream.engine.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures what full KV caches cost a process: {@code sequences} caches of {@code positions} each, in the
 * Llama-3.2-1B shape (16 layers, 8 KV heads of 64), filled to capacity; prints the computed bytes and VmHWM.
 * Run by hand (README, Performance): java ... KvCacheRss f16 16 4096
 */
public final class KvCacheRss {
    private KvCacheRss() {}

    public static void main(String[] args) throws Exception {
        KvType type = KvType.parse(args[0]);
        int sequences = Integer.parseInt(args[1]), positions = Integer.parseInt(args[2]);
        ModelConfig c = new ModelConfig(Architecture.of("llama"), 2048, 16, 32, 8, 64, 8192, 128256, 131072, 1e-5f, 500000f, 64);
        long before = hwm();
        List<KvCache> caches = new ArrayList<>();
        float[] kv = new float[c.kvDim()];
        for (int s = 0; s < sequences; s++) {
            KvCache cache = new KvCache(c, positions, type);
            for (int p = 0; p < positions; p++) {
                cache.reserve(1);
                for (int l = 0; l < c.layers(); l++) cache.store(l, p, kv, 0, kv, 0);
                cache.advance(1);
            }
            caches.add(cache);
        }
        long bytes = caches.stream().mapToLong(KvCache::bytes).sum();
        System.out.printf("%s: %d x %d positions, computed %.3f GB (%.3f GB expected), VmHWM %.3f GB (%.3f GB before)%n", type.wireName(),
                sequences, positions, bytes / 1e9, sequences * KvCache.bytes(c, positions, type) / 1e9, hwm() / 1e9, before / 1e9);
    }

    private static long hwm() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
        return -1;
    }
}
