package dev.genstream.engine.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Locates the reference-data folder {@code shared/} that sits next to the project (not in it: a fresh clone has
 * none). Surefire passes it as system property {@code genstream.shared}, which then decides alone; without the
 * property it is {@code ../shared} from the project root, found by walking up from the working directory.
 */
public final class SharedData {
    public static final String PROPERTY = "genstream.shared";

    private SharedData() {}

    /** The shared folder, if it exists. */
    public static Optional<Path> root() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured).toAbsolutePath().normalize();
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        return projectRoot().map(dir -> dir.resolveSibling("shared").normalize()).filter(Files::isDirectory);
    }

    /** The project's root folder (the parent pom's), found by walking up from the working directory. */
    public static Optional<Path> projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("model-engine"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code shared/relative}; skips the calling test (JUnit assumption) when shared/ is absent, but fails when
     * shared/ is there without the file: a present reference must never turn into a silent skip.
     */
    public static Path require(String relative) {
        Optional<Path> root = root();
        Assumptions.assumeTrue(root.isPresent(), () -> "../shared absent: skipping the check that needs shared/"
                + relative + " (set -D" + PROPERTY + "=DIR to point at the reference data)");
        Path p = root.get().resolve(relative);
        if (!Files.exists(p)) throw new AssertionError("shared/ is present at " + root.get() + " but lacks " + relative);
        return p;
    }
}
