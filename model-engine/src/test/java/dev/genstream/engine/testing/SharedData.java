package dev.genstream.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Locates ../shared (the reference data); tests that need it skip with a clear message when it is absent. */
public final class SharedData {
    private SharedData() {}

    public static Optional<Path> root() {
        String prop = System.getProperty("genstream.shared");
        for (Path p : new Path[] {prop == null ? null : Path.of(prop), Path.of("../shared"), Path.of("../../shared")}) {
            if (p != null && Files.isDirectory(p.resolve("models"))) return Optional.of(p.toAbsolutePath().normalize());
        }
        return Optional.empty();
    }

    /** The file or folder at {@code relative} under shared/, or a skipped test when shared/ is absent. */
    public static Path require(String relative) {
        Optional<Path> root = root();
        Assumptions.assumeTrue(root.isPresent(),
                "../shared (reference data) is absent: skipping a check that needs " + relative);
        Path p = root.get().resolve(relative);
        if (!Files.exists(p)) throw new AssertionError("shared/ is present but lacks " + relative);
        return p;
    }
}
