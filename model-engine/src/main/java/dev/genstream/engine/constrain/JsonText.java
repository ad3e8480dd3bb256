package dev.genstream.engine.constrain;

/** JSON string quoting, for literals the grammar writes. */
final class JsonText {
    private JsonText() {}

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", c));
                    else b.appendCodePoint(c);
                }
            }
        });
        return b.append('"').toString();
    }
}
