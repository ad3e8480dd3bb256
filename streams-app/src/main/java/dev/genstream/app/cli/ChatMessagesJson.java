package dev.genstream.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reads a conversation file: a JSON array of messages, or {"messages": [...], "tools": [...]}. */
final class ChatMessagesJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Conversation(List<Map<String, Object>> messages, List<Object> tools) {}

    private ChatMessagesJson() {}

    @SuppressWarnings("unchecked")
    static Conversation read(Path file) throws IOException {
        Object v = parse(file);
        List<?> messages;
        List<Object> tools = null;
        if (v instanceof List<?> l) {
            messages = l;
        } else if (v instanceof Map<?, ?> m && m.get("messages") instanceof List<?> l) {
            messages = l;
            if (m.get("tools") instanceof List<?> t) tools = (List<Object>) t;
            else if (m.get("tools") != null) throw new IllegalArgumentException(file + ": \"tools\" must be an array");
        } else {
            throw new IllegalArgumentException(file + ": expected a JSON array of messages or an object with \"messages\"");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.get(i) instanceof Map<?, ?> m) || !(m.get("role") instanceof String)) {
                throw new IllegalArgumentException(file + ": message " + i + " is not an object with a string \"role\"");
            }
        }
        return new Conversation((List<Map<String, Object>>) messages, tools);
    }

    @SuppressWarnings("unchecked")
    static List<Object> readTools(Path file) throws IOException {
        if (!(parse(file) instanceof List<?> l)) throw new IllegalArgumentException(file + ": expected a JSON array of tools");
        return (List<Object>) l;
    }

    private static Object parse(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readString(file), Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
    }
}
