package dev.genstream.app.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.streams.RequestRules;
import dev.genstream.app.streams.Suggest;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.HistoryMode;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.RequestKind;
import dev.genstream.schemas.ResponseFormat;
import dev.genstream.schemas.TokenGrouping;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads JSONL prompt requests strictly, the one check that produce, batch and replay share: unknown fields (with
 * a "did you mean"), wrong types, then {@link RequestRules}, the rules the service applies too. Field names are
 * the schema's: {"request_id":"r1","prompt":"...","params":{"max_tokens":32,"temperature":0}}.
 */
public final class PromptLines {
    /** A line that may be sent. */
    public record Line(int number, PromptRequest request) {}

    /** What is wrong with one line; {@code field} is a schema path such as params.top_p, or null for the whole line. */
    public record Problem(int line, String field, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + (field == null ? "" : field + ": ") + message;
        }
    }

    /** The lines that passed, and every problem of the lines that did not. */
    public record Result(List<Line> valid, List<Problem> problems) {
        public List<Integer> badLines() {
            return problems.stream().map(Problem::line).distinct().toList();
        }
    }

    static final List<String> TOP = List.of("request_id", "conversation_id", "prompt", "messages", "model", "params", "metadata", "created_at",
            "response_format", "json_schema", "grammar", "kind", "continuation", "avro_subject", "history_mode", "end_conversation");
    static final List<String> PARAMS = List.of("max_tokens", "temperature", "top_k", "top_p", "min_p", "repetition_penalty",
            "presence_penalty", "frequency_penalty", "seed", "stop", "logprobs", "emit_tokens", "token_grouping");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxTokensLimit;
    private final BiFunction<Integer, String, String> missingId;

    /** @param missingId the request id for a line without one, from its number and text */
    public PromptLines(int maxTokensLimit, BiFunction<Integer, String, String> missingId) {
        this.maxTokensLimit = maxTokensLimit;
        this.missingId = missingId;
    }

    public Result read(BufferedReader in) throws IOException {
        List<Line> valid = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        int n = 0;
        for (String text; (text = in.readLine()) != null; ) {
            n++;
            if (text.isBlank()) continue;
            List<Problem> mine = new ArrayList<>();
            PromptRequest r = parse(n, text, mine);
            if (r != null && mine.isEmpty()) {
                Integer first = seen.putIfAbsent(r.getRequestId(), n);
                if (first != null) mine.add(new Problem(n, "request_id", "'" + r.getRequestId() + "' is also on line " + first + "; each request is answered once"));
            }
            if (mine.isEmpty()) valid.add(new Line(n, r));
            problems.addAll(mine);
        }
        return new Result(valid, problems);
    }

    /** One line to a request, or null; problems go to {@code out}. */
    public PromptRequest parse(int n, String text, List<Problem> out) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            out.add(new Problem(n, null, "not valid JSON: " + e.getOriginalMessage()));
            return null;
        }
        if (node == null || !node.isObject()) {
            out.add(new Problem(n, null, "must be a JSON object, got " + kind(node)));
            return null;
        }
        Fields f = new Fields(n, out);
        f.unknown(node, "", TOP);
        PromptRequest.Builder b = PromptRequest.newBuilder()
                .setRequestId(node.hasNonNull("request_id") ? f.string(node, "request_id", "request_id") : missingId.apply(n, text))
                .setConversationId(f.string(node, "conversation_id", "conversation_id"))
                .setPrompt(f.string(node, "prompt", "prompt"))
                .setModel(f.string(node, "model", "model"))
                .setMessages(f.messages(node.get("messages")))
                .setMetadata(f.metadata(node.get("metadata")))
                .setCreatedAt(f.instant(node.get("created_at")))
                .setGrammar(f.string(node, "grammar", "grammar"))
                .setContinuation(f.string(node, "continuation", "continuation"))
                .setAvroSubject(f.string(node, "avro_subject", "avro_subject"));
        String format = f.string(node, "response_format", "response_format");
        if (format != null) b.setResponseFormat(f.symbol("response_format", format, ResponseFormat.class, ResponseFormat.text));
        String kind = f.string(node, "kind", "kind");
        if (kind != null) b.setKind(f.symbol("kind", kind, RequestKind.class, RequestKind.generate));
        String mode = f.string(node, "history_mode", "history_mode");
        if (mode != null) b.setHistoryMode(f.symbol("history_mode", mode, HistoryMode.class, HistoryMode.client));
        JsonNode end = node.get("end_conversation");
        if (end != null && !end.isNull()) {
            if (end.isBoolean()) b.setEndConversation(end.booleanValue());
            else f.wrong("end_conversation", "true or false", end);
        }
        JsonNode schema = node.get("json_schema");
        if (schema != null && !schema.isNull()) {
            // An inline object, or its text.
            if (schema.isObject()) b.setJsonSchema(schema.toString());
            else b.setJsonSchema(f.string(node, "json_schema", "json_schema"));
        }
        JsonNode p = node.get("params");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) f.wrong("params", "an object", p);
            else b.setParams(params(p, f));
        }
        if (!out.isEmpty()) return null;
        PromptRequest r = b.build();
        for (RequestRules.Violation v : RequestRules.check(r, maxTokensLimit)) out.add(new Problem(n, v.field(), v.message()));
        return r;
    }

    private static GenerationParams params(JsonNode p, Fields f) {
        f.unknown(p, "params.", PARAMS);
        GenerationParams.Builder g = GenerationParams.newBuilder();
        if (p.has("max_tokens")) g.setMaxTokens(f.integer(p, "max_tokens"));
        if (p.has("temperature")) g.setTemperature(f.number(p, "temperature"));
        if (p.has("top_k")) g.setTopK(f.integer(p, "top_k"));
        if (p.has("top_p")) g.setTopP(f.number(p, "top_p"));
        if (p.has("min_p")) g.setMinP(f.number(p, "min_p"));
        if (p.has("repetition_penalty")) g.setRepetitionPenalty(f.number(p, "repetition_penalty"));
        if (p.has("presence_penalty")) g.setPresencePenalty(f.number(p, "presence_penalty"));
        if (p.has("frequency_penalty")) g.setFrequencyPenalty(f.number(p, "frequency_penalty"));
        if (p.hasNonNull("seed")) g.setSeed(f.longValue(p, "seed"));
        if (p.has("stop")) g.setStop(f.stop(p.get("stop")));
        if (p.has("logprobs")) g.setLogprobs(f.integer(p, "logprobs"));
        if (p.has("emit_tokens")) g.setEmitTokens(f.bool(p, "emit_tokens"));
        String grouping = f.string(p, "token_grouping", "params.token_grouping");
        if (grouping != null) g.setTokenGrouping(f.symbol("params.token_grouping", grouping, TokenGrouping.class, TokenGrouping.token));
        return g.build();
    }

    /** Typed reads of one line's fields; a mismatch adds a problem and yields a harmless placeholder. */
    private record Fields(int n, List<Problem> out) {
        void unknown(JsonNode obj, String prefix, List<String> known) {
            obj.fieldNames().forEachRemaining(name -> {
                if (known.contains(name)) return;
                String hint = Suggest.closest(name, prefix.isEmpty() ? withParams(known) : known.stream().map(k -> prefix + k).toList());
                out.add(new Problem(n, prefix + name, "unknown field" + (hint == null ? "" : "; did you mean " + hint + "?")
                        + " (fields: " + String.join(", ", known) + ")"));
            });
        }

        private static List<String> withParams(List<String> top) {
            List<String> all = new ArrayList<>(top);
            PARAMS.forEach(p -> all.add("params." + p));
            return all;
        }

        void wrong(String field, String expected, JsonNode got) {
            out.add(new Problem(n, field, "must be " + expected + ", got " + kind(got) + " " + got));
        }

        <E extends Enum<E>> E symbol(String field, String value, Class<E> type, E placeholder) {
            for (E e : type.getEnumConstants()) if (e.name().equals(value)) return e;
            List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
            out.add(new Problem(n, field, "must be one of " + String.join(", ", names) + ", got '" + value + "'"));
            return placeholder;
        }

        String string(JsonNode obj, String name, String field) {
            JsonNode v = obj.get(name);
            if (v == null || v.isNull()) return null;
            if (!v.isTextual()) {
                wrong(field, "a string", v);
                return "";
            }
            return v.textValue();
        }

        int integer(JsonNode obj, String name) {
            JsonNode v = obj.get(name);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                wrong("params." + name, "a whole number", v);
                return 0;
            }
            return v.intValue();
        }

        long longValue(JsonNode obj, String name) {
            JsonNode v = obj.get(name);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                wrong("params." + name, "a whole number (64-bit)", v);
                return 0;
            }
            return v.longValue();
        }

        float number(JsonNode obj, String name) {
            JsonNode v = obj.get(name);
            if (!v.isNumber()) {
                wrong("params." + name, "a number", v);
                return 0;
            }
            return v.floatValue();
        }

        boolean bool(JsonNode obj, String name) {
            JsonNode v = obj.get(name);
            if (!v.isBoolean()) wrong("params." + name, "true or false", v);
            return v.asBoolean();
        }

        List<String> stop(JsonNode v) {
            List<String> stop = new ArrayList<>();
            if (v.isTextual()) stop.add(v.textValue());
            else if (!v.isArray()) wrong("params.stop", "a string or an array of strings", v);
            else for (int i = 0; i < v.size(); i++) {
                if (v.get(i).isTextual()) stop.add(v.get(i).textValue());
                else wrong("params.stop[" + i + "]", "a string", v.get(i));
            }
            return stop;
        }

        List<ChatMessage> messages(JsonNode v) {
            if (v == null || v.isNull()) return null;
            if (!v.isArray()) {
                wrong("messages", "an array of {\"role\", \"content\"} objects", v);
                return null;
            }
            List<ChatMessage> ms = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode m = v.get(i);
                String at = "messages[" + i + "]";
                if (!m.isObject()) {
                    wrong(at, "an object with role and content", m);
                    continue;
                }
                m.fieldNames().forEachRemaining(k -> {
                    if (!k.equals("role") && !k.equals("content")) {
                        String hint = Suggest.closest(k, List.of("role", "content"));
                        out.add(new Problem(n, at + "." + k, "unknown field" + (hint == null ? "" : "; did you mean " + hint + "?")));
                    }
                });
                String role = m.has("role") ? string(m, "role", at + ".role") : null;
                String content = m.has("content") ? string(m, "content", at + ".content") : null;
                if (role == null) out.add(new Problem(n, at + ".role", "is missing"));
                if (content == null) out.add(new Problem(n, at + ".content", "is missing"));
                ms.add(new ChatMessage(role == null ? "" : role, content == null ? "" : content));
            }
            return ms;
        }

        Map<String, String> metadata(JsonNode v) {
            Map<String, String> md = new LinkedHashMap<>();
            if (v == null || v.isNull()) return md;
            if (!v.isObject()) {
                wrong("metadata", "an object of strings", v);
                return md;
            }
            v.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual()) md.put(e.getKey(), e.getValue().textValue());
                else wrong("metadata." + e.getKey(), "a string", e.getValue());
            });
            return md;
        }

        Instant instant(JsonNode v) {
            if (v == null || v.isNull()) return Instant.now();
            if (v.isIntegralNumber() && v.canConvertToLong()) return Instant.ofEpochMilli(v.longValue());
            if (v.isTextual()) {
                try {
                    return Instant.parse(v.textValue());
                } catch (DateTimeParseException e) {
                    // reported below
                }
            }
            wrong("created_at", "epoch milliseconds or an ISO-8601 instant", v);
            return Instant.now();
        }
    }

    static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) return "nothing";
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase();
        };
    }
}
