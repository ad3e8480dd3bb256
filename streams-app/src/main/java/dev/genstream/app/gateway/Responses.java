package dev.genstream.app.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.TokenEvent;
import dev.genstream.schemas.TopLogprob;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The OpenAI response and chunk objects for chat and text completions. */
final class Responses {
    private final ObjectMapper mapper;
    private final OpenAiRequest call;
    private final long created = System.currentTimeMillis() / 1000;

    Responses(ObjectMapper mapper, OpenAiRequest call) {
        this.mapper = mapper;
        this.call = call;
    }

    private String model() {
        return call.request().getModel();
    }

    private ObjectNode head(String object, String model, String fingerprint) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", call.request().getRequestId());
        o.put("object", object);
        o.put("created", created);
        o.put("model", model);
        o.put("system_fingerprint", fingerprint);
        return o;
    }

    static String finishReason(Completion c) {
        return c.getFinishReason().name().equals("length") ? "length" : "stop";
    }

    /** The whole answer, non-streaming. */
    ObjectNode full(Completion c, List<TokenEvent> tokens) {
        ObjectNode o = head(call.chat() ? "chat.completion" : "text_completion", c.getModel(), c.getModelFingerprint());
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        if (call.chat()) {
            ObjectNode msg = choice.putObject("message");
            msg.put("role", "assistant");
            msg.put("content", c.getText());
            msg.putNull("refusal");
        } else {
            choice.put("text", c.getText());
        }
        logprobs(choice, tokens);
        choice.put("finish_reason", finishReason(c));
        usage(o, c);
        return o;
    }

    /** One streamed piece of text (the role rides on the first chat chunk). */
    ObjectNode chunk(String text, boolean first, TokenEvent token, String model, String fingerprint) {
        ObjectNode o = head(call.chat() ? "chat.completion.chunk" : "text_completion", model, fingerprint);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        if (call.chat()) {
            ObjectNode delta = choice.putObject("delta");
            if (first) delta.put("role", "assistant");
            delta.put("content", text);
        } else {
            choice.put("text", text);
        }
        if (token != null) logprobs(choice, List.of(token));
        else if (call.logprobs() >= 0) choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return o;
    }

    /** The last chunk: empty delta and the finish reason; usage as well when asked for. */
    ObjectNode last(Completion c) {
        ObjectNode o = head(call.chat() ? "chat.completion.chunk" : "text_completion", c.getModel(), c.getModelFingerprint());
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        if (call.chat()) choice.putObject("delta");
        else choice.put("text", "");
        choice.put("finish_reason", finishReason(c));
        return o;
    }

    /** The usage chunk of stream_options.include_usage: no choices. */
    ObjectNode usageChunk(Completion c) {
        ObjectNode o = head(call.chat() ? "chat.completion.chunk" : "text_completion", c.getModel(), c.getModelFingerprint());
        o.putArray("choices");
        usage(o, c);
        return o;
    }

    String modelOrDefault(String fallback) {
        return model() != null ? model() : fallback;
    }

    private static void usage(ObjectNode o, Completion c) {
        ObjectNode u = o.putObject("usage");
        int p = c.getUsage().getPromptTokens(), g = c.getUsage().getCompletionTokens();
        u.put("prompt_tokens", p);
        u.put("completion_tokens", g);
        u.put("total_tokens", p + g);
    }

    private void logprobs(ObjectNode choice, List<TokenEvent> tokens) {
        if (call.logprobs() < 0) {
            choice.putNull("logprobs");
            return;
        }
        ObjectNode lp = choice.putObject("logprobs");
        if (call.chat()) {
            ArrayNode content = lp.putArray("content");
            for (TokenEvent t : tokens) {
                ObjectNode e = entry(content.addObject(), t.getText(), t.getLogprob());
                ArrayNode top = e.putArray("top_logprobs");
                if (t.getTopLogprobs() != null) {
                    for (TopLogprob a : t.getTopLogprobs()) entry(top.addObject(), a.getText(), a.getLogprob());
                }
            }
        } else {
            ArrayNode toks = lp.putArray("tokens"), values = lp.putArray("token_logprobs"), tops = lp.putArray("top_logprobs");
            for (TokenEvent t : tokens) {
                toks.add(t.getText());
                values.add(t.getLogprob());
                ObjectNode top = tops.addObject();
                if (t.getTopLogprobs() != null) for (TopLogprob a : t.getTopLogprobs()) top.put(a.getText(), a.getLogprob());
            }
        }
    }

    private static ObjectNode entry(ObjectNode e, String text, double logprob) {
        e.put("token", text);
        e.put("logprob", logprob);
        ArrayNode bytes = e.putArray("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) bytes.add(b & 0xff);
        return e;
    }
}
