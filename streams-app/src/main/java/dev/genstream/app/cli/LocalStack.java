package dev.genstream.app.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where {@code ./genstream up} keeps its data, and the small file in it that tells client commands its addresses
 * ({@value #FILE}: bootstrap.servers, schema.registry.url, the HTTP URL, application.id). The folder is, first
 * found: the system property {@code genstream.data.dir}, the environment variable {@code GENSTREAM_DATA_DIR},
 * {@code ~/.genstream/local}.
 */
public final class LocalStack {
    static final String FILE = "local-stack.properties";
    static final String HTTP_URL = "genstream.http.url";

    private LocalStack() {}

    public static Path defaultDir() {
        String dir = System.getProperty("genstream.data.dir");
        if (dir == null || dir.isBlank()) dir = System.getenv("GENSTREAM_DATA_DIR");
        if (dir != null && !dir.isBlank()) return Path.of(dir);
        return Path.of(System.getProperty("user.home"), ".genstream", "local");
    }

    /** Written once the stack serves; replaced atomically so a reader never sees half of it. */
    static void write(Path dir, Map<String, String> addresses) {
        Properties p = new Properties();
        p.putAll(new TreeMap<>(addresses));
        try {
            Path tmp = dir.resolve(FILE + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "written by ./genstream up while it runs; client commands use it when no Kafka is given");
            }
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }

    /** The addresses of the stack serving from {@code dir}, or null when none is (or was left behind). */
    static Map<String, String> read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) return null;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return null;
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    static void delete(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException ignored) {
            // a stale file only means a client's connection check will say the stack is down
        }
    }
}
