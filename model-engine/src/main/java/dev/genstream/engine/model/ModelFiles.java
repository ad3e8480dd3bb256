package dev.genstream.engine.model;

import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.safetensors.HfCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where a model is read from: a GGUF file, or an HF checkpoint directory. */
public final class ModelFiles {
    private ModelFiles() {}

    /** Opens a GGUF file, or the HF checkpoint in a directory. */
    public static TensorSource open(Path path) {
        return Files.isDirectory(path) ? HfCheckpoint.open(path) : GgufFile.open(path);
    }

    /** Why {@code path} cannot be a model (neither a file nor a directory with a config.json), or null when it can. */
    public static String missing(Path path) {
        if (Files.isRegularFile(path) || HfCheckpoint.isCheckpoint(path)) return null;
        return Files.isDirectory(path) ? path + " is a directory without config.json (not an HF checkpoint)"
                : "model file not found: " + path;
    }

    /**
     * SHA-256 naming which weights produced a result: of the file's bytes for a single file; for a directory, of each
     * file it was built from in name order, each as its name, a NUL, its length and its bytes.
     */
    public static String fingerprint(TensorSource source) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            boolean single = source.files().size() == 1 && source.files().getFirst().equals(source.path());
            byte[] buf = new byte[1 << 20];
            for (Path f : source.files()) {
                if (!single) {
                    md.update(source.path().relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                    md.update(java.nio.ByteBuffer.allocate(8).putLong(Files.size(f)).array());
                }
                try (InputStream in = Files.newInputStream(f)) {
                    for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
