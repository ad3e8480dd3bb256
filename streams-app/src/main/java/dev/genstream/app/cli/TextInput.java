package dev.genstream.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A text argument given as a file, where "-" means standard input. */
final class TextInput {
    private TextInput() {}

    static String read(Path file) throws IOException {
        if (file.toString().equals("-")) return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
