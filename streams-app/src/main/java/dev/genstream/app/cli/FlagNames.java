package dev.genstream.app.cli;

import java.util.Map;

/** The engine words its errors with its parameter names (topP); a command line user typed flags (--top-p). */
final class FlagNames {
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("temperature", "--temperature"), Map.entry("topK", "--top-k"), Map.entry("topP", "--top-p"),
            Map.entry("minP", "--min-p"), Map.entry("repeatPenalty", "--repeat-penalty"), Map.entry("repeatLastN", "--repeat-last-n"),
            Map.entry("presencePenalty", "--presence-penalty"), Map.entry("frequencyPenalty", "--frequency-penalty"),
            Map.entry("logprobs", "--logprobs"), Map.entry("maxTokens", "--max-tokens"));

    private FlagNames() {}

    /** {@code message} with a leading parameter name replaced by its flag. */
    static String of(String message) {
        if (message == null) return null;
        int space = message.indexOf(' ');
        String flag = space > 0 ? FLAGS.get(message.substring(0, space)) : null;
        return flag == null ? message : flag + message.substring(space);
    }
}
