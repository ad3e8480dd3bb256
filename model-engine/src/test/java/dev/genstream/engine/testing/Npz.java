package dev.genstream.engine.testing;

import dev.genstream.engine.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** A numpy .npz archive: a zip of .npy arrays, keyed by name without the extension. */
public final class Npz {
    private Npz() {}

    public static Map<String, Npy.Array> read(Path path) {
        Map<String, Npy.Array> arrays = new HashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                byte[] bytes = zip.getInputStream(e).readAllBytes();
                arrays.put(e.getName().replaceFirst("\\.npy$", ""), Npy.read(bytes, path + ":" + e.getName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return arrays;
    }
}
