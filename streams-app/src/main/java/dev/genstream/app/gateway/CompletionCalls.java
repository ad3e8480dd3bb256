package dev.genstream.app.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.genstream.app.registry.AvroSerde;
import dev.genstream.app.registry.GenstreamSerdes;
import dev.genstream.app.streams.GenstreamConfig;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.PromptRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One chat or text completion call: a PromptRequest on the prompts topic, then its answer from Kafka, as JSON or
 * as server-sent events. A client that goes away cancels nothing: the request was accepted, and its Completion
 * still lands on the completions topic.
 */
final class CompletionCalls implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CompletionCalls.class.getName());

    private final ObjectMapper mapper;
    private final Replies replies;
    private final GatewaySettings settings;
    private final String topic;
    private final AvroSerde<PromptRequest> serde;
    private final KafkaProducer<String, PromptRequest> producer;
    private final Map<String, String> fingerprints = new ConcurrentHashMap<>();
    private final RecentRequests recent = new RecentRequests(1000);

    CompletionCalls(GenstreamConfig c, ObjectMapper mapper, Replies replies, GatewaySettings settings) {
        this.mapper = mapper;
        this.replies = replies;
        this.settings = settings;
        this.topic = c.get(GenstreamConfig.TOPIC_PROMPTS);
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.putIfAbsent("linger.ms", "0");
        this.serde = GenstreamSerdes.forClass(PromptRequest.class, c.kafka(), false);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer());
    }

    void handle(HttpExchange ex, JsonNode body, boolean chat) throws IOException {
        String id = replies.newRequestId(chat ? "chatcmpl-" : "cmpl-");
        OpenAiRequest call = OpenAiRequest.parse(body, chat, id, ex.getRequestHeaders().getFirst("X-Conversation-Id"), settings.models());
        PromptRequest r = call.request();
        Answer answer = new Answer(r.getParams().getEmitTokens());
        replies.listen(id, answer);
        try {
            String key = r.getConversationId() != null ? r.getConversationId() : id;
            try {
                recent.add(key, r, producer.send(new ProducerRecord<>(topic, key, r)).get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new ApiError(503, "server_error", null, "kafka_unavailable", "could not send the request to Kafka: " + e.getMessage());
            }
            ex.getResponseHeaders().set("X-Request-Id", id);
            if (call.stream()) stream(ex, call, answer);
            else whole(ex, call, answer);
        } finally {
            replies.forget(id);
        }
    }

    private long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
    }

    private void whole(HttpExchange ex, OpenAiRequest call, Answer answer) throws IOException {
        long deadline = deadline();
        try {
            Answer.Step s;
            while ((s = answer.next(deadline)) != null) {
                if (s.deadLetter() != null) throw rejected(s.deadLetter());
                if (s.completion() != null) {
                    remember(s.completion());
                    Gateway.sendJson(ex, mapper, 200, new Responses(mapper, call).full(s.completion(), answer.tokens()));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw timeout(call);
    }

    private void stream(HttpExchange ex, OpenAiRequest call, Answer answer) throws IOException {
        Responses out = new Responses(mapper, call);
        String model = out.modelOrDefault(settings.models().getFirst());
        long deadline = deadline();
        OutputStream body = null;
        StringBuilder sent = new StringBuilder();
        try {
            Answer.Step s;
            while ((s = answer.next(deadline)) != null) {
                if (s.deadLetter() != null && body == null) throw rejected(s.deadLetter());
                if (body == null) body = openStream(ex);
                if (s.deadLetter() != null) {
                    event(body, rejected(s.deadLetter()).json(mapper));
                    break;
                }
                if (s.token() != null) {
                    event(body, out.chunk(s.token().getText(), sent.isEmpty(), s.token(), model, fingerprints.get(model)));
                    sent.append(s.token().getText());
                    continue;
                }
                Completion c = s.completion();
                remember(c);
                String text = c.getText();
                // Text the tokens did not carry (none are sent when emit_tokens is off): one more chunk.
                if (text.length() > sent.length() && text.startsWith(sent.toString())) {
                    event(body, out.chunk(text.substring(sent.length()), sent.isEmpty(), null, c.getModel(), c.getModelFingerprint()));
                }
                event(body, out.last(c));
                if (call.includeUsage()) event(body, out.usageChunk(c));
                break;
            }
            if (s == null) {
                if (body == null) throw timeout(call);
                event(body, timeout(call).json(mapper));
            }
            body.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            body.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            LOG.info(() -> "gateway: client of " + call.request().getRequestId() + " went away; its completion still lands on Kafka");
        }
    }

    private static OutputStream openStream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    private void event(OutputStream body, ObjectNode json) throws IOException {
        body.write(("data: " + mapper.writeValueAsString(json) + "\n\n").getBytes(StandardCharsets.UTF_8));
        body.flush();
    }

    private void remember(Completion c) {
        fingerprints.put(c.getModel(), c.getModelFingerprint());
    }

    private static ApiError rejected(DeadLetter d) {
        String code = d.getErrorCode().name().toLowerCase(java.util.Locale.ROOT);
        return switch (d.getErrorCode()) {
            case UNKNOWN_MODEL -> new ApiError(404, "invalid_request_error", "model", "model_not_found", d.getReason());
            case PROMPT_TOO_LONG -> new ApiError(400, "invalid_request_error", "messages", "context_length_exceeded", d.getReason());
            case INTERNAL_ERROR -> new ApiError(500, "server_error", null, code, d.getReason());
            default -> new ApiError(400, "invalid_request_error", null, code, d.getReason());
        };
    }

    private ApiError timeout(OpenAiRequest call) {
        return new ApiError(504, "timeout", null, "timeout", "no answer within " + settings.timeoutMs() + " ms; request "
                + call.request().getRequestId() + " stays accepted and its Completion will land on Kafka");
    }

    /** The Kafka record of a recent request of this gateway, or null. */
    com.fasterxml.jackson.databind.node.ObjectNode record(String requestId) {
        return recent.get(requestId);
    }

    @Override
    public void close() {
        producer.close();
        serde.close();
    }
}
