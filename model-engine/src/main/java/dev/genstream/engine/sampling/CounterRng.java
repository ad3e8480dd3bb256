package dev.genstream.engine.sampling;

import java.nio.charset.StandardCharsets;

/**
 * Counter-based random draws: the value for token {@code index} is a pure function of {@code (seed, index)}.
 * Nothing is advanced between draws, so a generation resumed at index {@code n} draws exactly what an
 * uninterrupted one would have drawn there.
 *
 * <p>Both functions are part of the persisted format (a stored seed must replay identically): never change them.
 */
public final class CounterRng {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private CounterRng() {}

    /**
     * A uniform double in [0, 1) for draw {@code index} of stream {@code seed}.
     * <p>Definition: {@code key = mix(seed + GOLDEN)}, {@code bits = mix(key ^ (index * GOLDEN))}, and the result is
     * the top 53 bits of {@code bits} times 2^-53, where {@code mix} is the SplitMix64 finalizer.
     * The seed goes through the finalizer first so that neighbouring seeds give unrelated streams rather than
     * shifted copies of one another; for a fixed seed, distinct indexes give distinct 64-bit values (every step
     * is a bijection).
     */
    public static double uniform(long seed, long index) {
        return (bits(seed, index) >>> 11) * 0x1.0p-53;
    }

    /** The raw 64 bits behind {@link #uniform}. */
    public static long bits(long seed, long index) {
        long key = mix(seed + GOLDEN);
        return mix(key ^ (index * GOLDEN));
    }

    /**
     * A stable seed for a request: FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of the
     * UTF-8 bytes of {@code requestId}, returned as a signed long. Standard FNV-1a test vectors apply,
     * e.g. "a" → 0xaf63dc4c8601ec8c, "foobar" → 0x85944171f73967e8.
     */
    public static long seedFor(String requestId) {
        long h = FNV_OFFSET;
        for (byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** SplitMix64 finalizer (Stafford variant 13). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
