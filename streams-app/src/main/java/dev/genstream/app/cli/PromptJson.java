package dev.genstream.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.RequestKind;
import dev.genstream.schemas.ResponseFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One JSON line → a PromptRequest, with the schema's field names:
 * {"request_id":"r1","prompt":"In the beginning","params":{"max_tokens":32,"temperature":0}}.
 * {@code json_schema} may be given as a JSON object or as its text.
 * A missing request_id gets a random UUID; created_at is now.
 */
public final class PromptJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PromptJson() {}

    public static PromptRequest parse(String line) throws Exception {
        JsonNode n = JSON.readTree(line);
        if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object");
        PromptRequest.Builder b = PromptRequest.newBuilder()
                .setRequestId(n.hasNonNull("request_id") ? n.get("request_id").asText() : UUID.randomUUID().toString())
                .setConversationId(text(n, "conversation_id"))
                .setPrompt(text(n, "prompt"))
                .setModel(text(n, "model"))
                .setCreatedAt(Instant.now());
        if (n.has("messages")) {
            List<ChatMessage> ms = new ArrayList<>();
            for (JsonNode m : n.get("messages")) ms.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
            b.setMessages(ms);
        }
        if (n.has("metadata")) {
            Map<String, String> md = new HashMap<>();
            n.get("metadata").fields().forEachRemaining(e -> md.put(e.getKey(), e.getValue().asText()));
            b.setMetadata(md);
        }
        if (n.has("params")) b.setParams(params(n.get("params")));
        if (n.hasNonNull("response_format")) {
            String f = n.get("response_format").asText();
            try {
                b.setResponseFormat(ResponseFormat.valueOf(f));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("response_format must be text, json_object or json_schema, got '" + f + "'");
            }
        }
        if (n.hasNonNull("json_schema")) {
            JsonNode s = n.get("json_schema");
            b.setJsonSchema(s.isTextual() ? s.asText() : JSON.writeValueAsString(s));
        }
        b.setGrammar(text(n, "grammar"));
        if (n.hasNonNull("kind")) {
            String k = n.get("kind").asText();
            try {
                b.setKind(RequestKind.valueOf(k));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kind must be generate or score, got '" + k + "'");
            }
        }
        b.setContinuation(text(n, "continuation"));
        b.setAvroSubject(text(n, "avro_subject"));
        return b.build();
    }

    private static GenerationParams params(JsonNode p) {
        GenerationParams.Builder g = GenerationParams.newBuilder();
        if (p.has("max_tokens")) g.setMaxTokens(p.get("max_tokens").asInt());
        if (p.has("temperature")) g.setTemperature((float) p.get("temperature").asDouble());
        if (p.has("top_k")) g.setTopK(p.get("top_k").asInt());
        if (p.has("top_p")) g.setTopP((float) p.get("top_p").asDouble());
        if (p.has("min_p")) g.setMinP((float) p.get("min_p").asDouble());
        if (p.has("repetition_penalty")) g.setRepetitionPenalty((float) p.get("repetition_penalty").asDouble());
        if (p.has("presence_penalty")) g.setPresencePenalty((float) p.get("presence_penalty").asDouble());
        if (p.has("frequency_penalty")) g.setFrequencyPenalty((float) p.get("frequency_penalty").asDouble());
        if (p.hasNonNull("seed")) g.setSeed(p.get("seed").asLong());
        if (p.has("stop")) {
            List<String> stop = new ArrayList<>();
            p.get("stop").forEach(s -> stop.add(s.asText()));
            g.setStop(stop);
        }
        if (p.has("logprobs")) g.setLogprobs(p.get("logprobs").asInt());
        if (p.has("emit_tokens")) g.setEmitTokens(p.get("emit_tokens").asBoolean());
        return g.build();
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
