package dev.genstream.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The demo model committed in the repository (models/), present on every clone. */
public final class BundledModel {
    private BundledModel() {}

    public static Path path() {
        Path home = Path.of(System.getProperty("genstream.home", ".."));
        Path p = home.resolve("models/kjv-llama-6m.q8_0.gguf");
        if (!Files.isRegularFile(p)) throw new AssertionError("the bundled model is missing: " + p.toAbsolutePath());
        return p;
    }
}
