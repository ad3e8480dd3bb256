package dev.genstream.app.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.ResponseFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One chat or text completion call, checked and turned into a {@link PromptRequest}. Parameters left out keep the
 * schema's defaults (llama.cpp's, as {@code genstream generate}), not OpenAI's; options that would change the answer
 * and that genstream cannot honour are errors, never silently dropped.
 */
public record OpenAiRequest(PromptRequest request, boolean chat, boolean stream, boolean includeUsage, int logprobs) {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    /** Every top-level field understood (used, refused with a reason, or without effect here: store, service_tier). */
    private static final Set<String> KNOWN = Set.of("model", "messages", "prompt", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "top_k", "min_p", "repetition_penalty", "frequency_penalty", "presence_penalty", "seed", "stop", "logprobs",
            "top_logprobs", "stream", "stream_options", "user", "metadata", "conversation_id", "n", "best_of", "echo", "suffix",
            "logit_bias", "response_format", "modalities", "tools", "tool_choice", "functions", "function_call", "audio", "prediction",
            "web_search_options", "parallel_tool_calls", "store", "service_tier");
    private static final List<String> REFUSED = List.of("tools", "tool_choice", "functions", "function_call", "audio", "prediction",
            "web_search_options");

    /** @param conversationHeader the X-Conversation-Id header, or null */
    public static OpenAiRequest parse(JsonNode body, boolean chat, String requestId, String conversationHeader, List<String> models) {
        if (body == null || !body.isObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
        body.fieldNames().forEachRemaining(f -> {
            if (!KNOWN.contains(f)) throw ApiError.invalid(f, "Unrecognized request argument supplied: " + f);
        });
        for (String f : REFUSED) {
            JsonNode v = body.get(f);
            if (v != null && !v.isNull() && !(v.isArray() && v.isEmpty()) && !(f.equals("tool_choice") && "none".equals(v.asText()))) {
                throw ApiError.unsupported(f, "'" + f + "' is not supported by genstream");
            }
        }
        int n = intField(body, "n", 1, 1, 128);
        if (n != 1) throw ApiError.unsupported("n", "n > 1 is not supported: send one request per choice (with different seeds)");
        if (!chat && intField(body, "best_of", 1, 1, 20) != 1) throw ApiError.unsupported("best_of", "best_of > 1 is not supported");
        if (!chat && body.path("echo").asBoolean(false)) throw ApiError.unsupported("echo", "echo is not supported");
        if (!chat && body.hasNonNull("suffix")) throw ApiError.unsupported("suffix", "suffix is not supported");
        JsonNode bias = body.get("logit_bias");
        if (bias != null && !bias.isNull() && !bias.isEmpty()) throw ApiError.unsupported("logit_bias", "logit_bias is not supported");
        JsonNode modalities = body.get("modalities");
        if (modalities != null && modalities.isArray()) {
            for (JsonNode m : modalities) if (!"text".equals(m.asText())) throw ApiError.unsupported("modalities", "only the text modality is supported");
        }

        PromptRequest.Builder r = PromptRequest.newBuilder().setRequestId(requestId).setCreatedAt(Instant.now());
        String model = stringField(body, "model");
        if (model != null && !models.contains(model)) {
            throw new ApiError(404, "invalid_request_error", "model", "model_not_found",
                    "The model '" + model + "' does not exist; served: " + String.join(", ", models));
        }
        r.setModel(model);
        responseFormat(body.get("response_format"), r);
        if (chat) r.setMessages(messages(body.get("messages")));
        else r.setPrompt(prompt(body.get("prompt")));

        GenerationParams.Builder p = GenerationParams.newBuilder();
        int max = intField(body, chat ? "max_completion_tokens" : "max_tokens", -1, 1, Integer.MAX_VALUE);
        if (chat && max < 0) max = intField(body, "max_tokens", -1, 1, Integer.MAX_VALUE);
        if (max > 0) p.setMaxTokens(max);
        if (body.hasNonNull("temperature")) p.setTemperature((float) number(body, "temperature", 0, 2));
        if (body.hasNonNull("top_p")) p.setTopP((float) number(body, "top_p", Double.MIN_VALUE, 1));
        if (body.hasNonNull("top_k")) p.setTopK(intField(body, "top_k", 0, 0, Integer.MAX_VALUE));
        if (body.hasNonNull("min_p")) p.setMinP((float) number(body, "min_p", 0, 1));
        if (body.hasNonNull("repetition_penalty")) p.setRepetitionPenalty((float) number(body, "repetition_penalty", Double.MIN_VALUE, 10));
        if (body.hasNonNull("frequency_penalty")) p.setFrequencyPenalty((float) number(body, "frequency_penalty", -2, 2));
        if (body.hasNonNull("presence_penalty")) p.setPresencePenalty((float) number(body, "presence_penalty", -2, 2));
        if (body.hasNonNull("seed")) {
            if (!body.get("seed").canConvertToLong() || !body.get("seed").isIntegralNumber()) throw ApiError.invalid("seed", "seed must be an integer");
            p.setSeed(body.get("seed").asLong());
        }
        p.setStop(stop(body.get("stop")));
        int logprobs = logprobs(body, chat);
        p.setLogprobs(logprobs);
        boolean stream = body.path("stream").asBoolean(false);
        boolean wantLogprobs = chat ? body.path("logprobs").asBoolean(false) : body.hasNonNull("logprobs");
        p.setEmitTokens(stream || wantLogprobs); // a plain JSON answer needs only the Completion
        r.setParams(p.build());

        Map<String, String> meta = new HashMap<>();
        JsonNode m = body.get("metadata");
        if (m != null && !m.isNull()) {
            if (!m.isObject()) throw ApiError.invalid("metadata", "metadata must be an object of strings");
            m.properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
        }
        String user = stringField(body, "user");
        if (user != null) meta.put("user", user);
        r.setMetadata(meta);
        String conversation = conversationHeader != null ? conversationHeader : stringField(body, "conversation_id");
        r.setConversationId(conversation == null || conversation.isBlank() ? null : conversation);
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        return new OpenAiRequest(r.build(), chat, stream, includeUsage, wantLogprobs ? Math.max(logprobs, 0) : -1);
    }

    /**
     * OpenAI's response_format onto the request's constraint: json_object, or json_schema with its
     * {@code json_schema.schema}. The service compiles the schema; a keyword it does not support comes back as an
     * error naming it (its UNSUPPORTED_SCHEMA dead letter), never as output that ignores it.
     */
    private static void responseFormat(JsonNode f, PromptRequest.Builder r) {
        if (f == null || f.isNull()) return;
        String type = f.path("type").asText("");
        switch (type) {
            case "text" -> { }
            case "json_object" -> r.setResponseFormat(ResponseFormat.json_object);
            case "json_schema" -> {
                JsonNode schema = f.path("json_schema").get("schema");
                if (schema == null || !schema.isObject()) {
                    throw ApiError.invalid("response_format", "response_format json_schema needs json_schema.schema, a JSON Schema object");
                }
                r.setResponseFormat(ResponseFormat.json_schema).setJsonSchema(schema.toString());
            }
            default -> throw ApiError.invalid("response_format", "unknown response_format type '" + type + "'");
        }
    }

    private static List<ChatMessage> messages(JsonNode ms) {
        if (ms == null || !ms.isArray() || ms.isEmpty()) throw ApiError.invalid("messages", "messages must be a non-empty array");
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String role = m.path("role").asText("");
            if (role.equals("tool") || role.equals("function")) throw ApiError.unsupported("messages[" + i + "].role", "tool messages are not supported");
            if (!ROLES.contains(role)) throw ApiError.invalid("messages[" + i + "].role", "unknown role '" + role + "'");
            out.add(new ChatMessage(role.equals("developer") ? "system" : role, content(m.get("content"), i)));
        }
        return out;
    }

    private static String content(JsonNode c, int i) {
        if (c != null && c.isTextual()) return c.asText();
        if (c != null && c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText())) {
                    throw ApiError.unsupported("messages[" + i + "].content", "only text content parts are supported");
                }
                sb.append(part.path("text").asText());
            }
            return sb.toString();
        }
        throw ApiError.invalid("messages[" + i + "].content", "content must be a string or an array of text parts");
    }

    private static String prompt(JsonNode p) {
        if (p != null && p.isTextual()) return p.asText();
        if (p != null && p.isArray() && p.size() == 1 && p.get(0).isTextual()) return p.get(0).asText();
        if (p != null && p.isArray() && p.size() > 1) throw ApiError.unsupported("prompt", "one prompt per request: send a request for each");
        throw ApiError.invalid("prompt", "prompt must be a string");
    }

    private static List<String> stop(JsonNode s) {
        if (s == null || s.isNull()) return List.of();
        if (s.isTextual()) return List.of(s.asText());
        if (s.isArray() && s.size() <= 4) {
            List<String> out = new ArrayList<>();
            for (JsonNode x : s) {
                if (!x.isTextual()) throw ApiError.invalid("stop", "stop must be a string or an array of up to 4 strings");
                out.add(x.asText());
            }
            return out;
        }
        throw ApiError.invalid("stop", "stop must be a string or an array of up to 4 strings");
    }

    private static int logprobs(JsonNode body, boolean chat) {
        if (chat) {
            int top = intField(body, "top_logprobs", 0, 0, 20);
            if (top > 0 && !body.path("logprobs").asBoolean(false)) throw ApiError.invalid("top_logprobs", "top_logprobs needs logprobs: true");
            return top;
        }
        return intField(body, "logprobs", 0, 0, 5);
    }

    private static String stringField(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiError.invalid(name, name + " must be a string");
        return v.asText();
    }

    private static int intField(JsonNode body, String name, int fallback, int min, int max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ApiError.invalid(name, name + " must be an integer in [" + min + ", " + max + "], got " + v);
        }
        return v.asInt();
    }

    private static double number(JsonNode body, String name, double min, double max) {
        JsonNode v = body.get(name);
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ApiError.invalid(name, name + " must be a number in " + (min == Double.MIN_VALUE ? "(0" : "[" + min) + ", " + max + "], got " + v);
        }
        return v.asDouble();
    }
}
