package dev.genstream.app.cli;

import java.nio.file.Path;

/** Runs {@code schemas --out DIR} for tests in other packages; returns DIR. */
public final class SchemasCommandAccess {
    private SchemasCommandAccess() {}

    public static Path write(Path dir) throws Exception {
        SchemasCommand cmd = new SchemasCommand();
        cmd.out = dir.resolve("avsc");
        if (cmd.call() != 0) throw new IllegalStateException("schemas failed");
        return cmd.out;
    }
}
