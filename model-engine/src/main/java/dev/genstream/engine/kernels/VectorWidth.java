package dev.genstream.engine.kernels;

import jdk.incubator.vector.ShortVector;

/**
 * Which vector width the kernels use, read once from the system property {@value #PROPERTY}: {@code native} (the
 * default) or {@code 256}. The width never changes a result: every reduction keeps the fixed order of eight-lane
 * partial sums (see {@link Vec}), and only kernels whose bits are proven equal at both widths use the wide species
 * (widening, 16-bit products and element-wise updates). Forcing 256 exists so the invariance tests can prove that.
 */
public final class VectorWidth {
    public static final String PROPERTY = "genstream.vector.species";

    private static final int BITS = choose(System.getProperty(PROPERTY, "native"));

    private VectorWidth() {}

    static int choose(String value) {
        return switch (value) {
            case "native" -> Math.max(256, ShortVector.SPECIES_PREFERRED.vectorBitSize());
            case "256" -> 256;
            default -> throw new IllegalArgumentException(PROPERTY + " must be native or 256, got " + value);
        };
    }

    /** The width the wide kernels run at: 256, or the machine's native width if wider. */
    public static int bits() {
        return BITS;
    }

    /** What the machine offers, whatever the property says. */
    public static int nativeBits() {
        return ShortVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
