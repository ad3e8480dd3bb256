package dev.genstream.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the scripts of src/test/node (installed by .ci/run's npm ci) with the system node. */
final class Node {
    static final Path DIR = Path.of("src/test/node").toAbsolutePath();

    private Node() {}

    /** Skips (with the reason) where node or the npm packages are missing; in CI that is a failure instead. */
    static void require(String... packages) {
        List<String> missing = new ArrayList<>();
        if (!onPath("node")) missing.add("node");
        for (String p : packages) if (!Files.isDirectory(DIR.resolve("node_modules").resolve(p))) missing.add("npm package " + p);
        if (missing.isEmpty()) return;
        String why = "missing " + String.join(", ", missing) + " (run: cd streams-app/src/test/node && npm ci)";
        if (System.getenv("CI") != null) throw new AssertionError(why);
        Assumptions.abort(why);
    }

    static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) return true;
        }
        return false;
    }

    /** stdout of {@code node script}; fails with its output when it exits non-zero. */
    static String run(String script, Map<String, String> env, long timeoutSeconds) throws IOException, InterruptedException {
        Path err = Files.createTempFile("node-", ".err");
        ProcessBuilder pb = new ProcessBuilder("node", script).directory(DIR.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String stdout = new String(out, StandardCharsets.UTF_8), stderr = Files.readString(err);
        assertThat(done && p.exitValue() == 0).as("node " + script + " failed:\n" + stdout + "\n" + stderr).isTrue();
        return stdout;
    }
}
