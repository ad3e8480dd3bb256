package dev.genstream.app.streams;

import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.chat.TemplateException;
import dev.genstream.engine.constrain.AvroSchemaCompiler;
import dev.genstream.engine.constrain.Grammar;
import dev.genstream.engine.constrain.GrammarCache;
import dev.genstream.engine.constrain.GrammarException;
import dev.genstream.engine.constrain.JsonSchemaCompiler;
import dev.genstream.engine.constrain.UnsupportedSchemaException;
import dev.genstream.engine.generate.GenerationParams;
import dev.genstream.engine.sampling.CounterRng;
import dev.genstream.engine.sampling.SamplingParams;
import dev.genstream.engine.tokenizer.Tokenizer;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.PromptRequest;
import dev.genstream.schemas.TokenGrouping;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import dev.genstream.schemas.RequestKind;
import dev.genstream.schemas.ResponseFormat;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a prompt request can be served, and turns it into engine inputs. Pure: no Kafka, no state.
 * The model-independent rules are {@link RequestRules}, which the CLI applies too; this adds the model's own.
 * A {@code prompt} is tokenized as given (BOS added as the model asks, control-token text parsed). {@code messages}
 * are rendered with the model's chat template and a generation prompt, with special tokens parsed in the template's
 * text only; {@code strftime_now} reads the request's {@code created_at}, so a resumed request renders the same.
 */
public final class PromptValidator {
    /**
     * A servable request: prompt ids, engine parameters and the seed actually used; for a score request also the
     * continuation's ids (null for generation) and how many alternatives to report per token. {@code groupTokens}:
     * one token event per delivery round instead of per token (token_grouping punctuation).
     */
    public record Accepted(int[] promptIds, GenerationParams params, long seed, boolean emitTokens, boolean groupTokens,
                           int[] continuationIds, AvroSubjects.Resolved avro) {
        public Accepted(int[] promptIds, GenerationParams params, long seed, boolean emitTokens) {
            this(promptIds, params, seed, emitTokens, false, null, null);
        }

        public boolean isScore() {
            return continuationIds != null;
        }
    }

    /** Why a request cannot be served. */
    public static class Rejected extends Exception {
        private final ErrorCode code;

        public Rejected(ErrorCode code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    /**
     * Not (yet) a verdict: the schema registry could not answer now, so the request is neither accepted nor bad.
     * The service keeps it and validates it again later; only callers that cannot wait treat it as a rejection.
     */
    public static final class RegistryUnavailable extends Rejected {
        public RegistryUnavailable(String reason) {
            super(ErrorCode.UNKNOWN_SCHEMA, reason);
        }
    }

    /** Shared by every validator: a schema is compiled once per process, whichever task sees it. */
    private static final GrammarCache GRAMMARS = new GrammarCache(256);

    private final Tokenizer tokenizer;
    private final ChatPrompter chat;
    private final String alias;
    private final int contextSize;
    private final int maxTokensLimit;
    private final AvroSubjects subjects;

    /** @param chat renders {@code messages}; null when the model has no chat template (they are then rejected) */
    public PromptValidator(Tokenizer tokenizer, ChatPrompter chat, String alias, int contextSize, int maxTokensLimit) {
        this(tokenizer, chat, alias, contextSize, maxTokensLimit, null);
    }

    /** @param subjects resolves avro_subject (null: no registry, such requests are rejected) */
    public PromptValidator(Tokenizer tokenizer, ChatPrompter chat, String alias, int contextSize, int maxTokensLimit, AvroSubjects subjects) {
        this.subjects = subjects;
        this.tokenizer = tokenizer;
        this.chat = chat;
        this.alias = alias;
        this.contextSize = contextSize;
        this.maxTokensLimit = maxTokensLimit;
    }

    /** The model-independent rules only (all an end_conversation request must meet). */
    public void checkRules(PromptRequest r) throws Rejected {
        List<RequestRules.Violation> broken = RequestRules.check(r, maxTokensLimit);
        if (!broken.isEmpty()) throw new Rejected(broken.get(0).code(), broken.get(0).toString());
    }

    public int contextSize() {
        return contextSize;
    }

    /**
     * The request as the engine takes it, or {@link Rejected} with the dead-letter code; {@link RegistryUnavailable}
     * (a Rejected) when an avro_subject cannot be resolved now because the registry does not answer.
     */
    public Accepted validate(PromptRequest r) throws Rejected {
        checkRules(r);
        if (r.getModel() != null && !r.getModel().equals(alias)) {
            throw new Rejected(ErrorCode.UNKNOWN_MODEL, "unknown model alias '" + r.getModel() + "' (this service runs '" + alias + "')");
        }
        int[] ids = promptIds(r);
        if (ids.length == 0) throw new Rejected(ErrorCode.EMPTY_PROMPT, "the prompt has no tokens");
        if (ids.length >= contextSize) {
            throw new Rejected(ErrorCode.PROMPT_TOO_LONG, "the prompt has " + ids.length + " tokens; the context holds " + contextSize);
        }
        dev.genstream.schemas.GenerationParams p = r.getParams() != null ? r.getParams() : dev.genstream.schemas.GenerationParams.newBuilder().build();
        int[] continuation = continuation(r, ids.length);
        AvroSubjects.Resolved avro = avroSubject(r);
        Grammar grammar = avro != null ? avroGrammar(avro) : constraint(r);
        if (continuation != null && grammar != null) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, "a score request takes no response_format or grammar");
        }
        if (grammar != null && !p.getStop().isEmpty()) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, "stop strings cannot be combined with a response format or grammar");
        }
        long seed = p.getSeed() != null ? p.getSeed() : CounterRng.seedFor(r.getRequestId());
        try {
            SamplingParams sampling = SamplingParams.builder()
                    .temperature(p.getTemperature()).topK(p.getTopK()).topP(p.getTopP()).minP(p.getMinP())
                    .repeatPenalty(p.getRepetitionPenalty()).presencePenalty(p.getPresencePenalty())
                    .frequencyPenalty(p.getFrequencyPenalty()).seed(seed).logprobs(p.getLogprobs())
                    .build();
            GenerationParams gp = new GenerationParams(sampling, p.getMaxTokens(), p.getStop(), grammar);
            if (r.getPrompt() == null) gp = gp.withEndTokens(chat.endOfTurnTokens());
            return new Accepted(ids, gp, seed, p.getEmitTokens(), p.getTokenGrouping() == TokenGrouping.punctuation, continuation, avro);
        } catch (IllegalArgumentException e) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, e.getMessage());
        }
    }

    /** A score request's continuation ids (no BOS, control text literal), or null for a generation. */
    private int[] continuation(PromptRequest r, int promptTokens) throws Rejected {
        boolean score = r.getKind() == RequestKind.score;
        if (!score) {
            if (r.getContinuation() != null) throw new Rejected(ErrorCode.INVALID_PARAMS, "continuation is set but kind is generate, not score");
            return null;
        }
        if (r.getContinuation() == null || r.getContinuation().isEmpty()) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, "a score request needs a non-empty continuation");
        }
        int[] ids = tokenizer.encode(r.getContinuation(), false, false);
        if (ids.length == 0) throw new Rejected(ErrorCode.INVALID_PARAMS, "the continuation has no tokens");
        if (promptTokens + ids.length > contextSize) {
            throw new Rejected(ErrorCode.PROMPT_TOO_LONG, "prompt and continuation have " + (promptTokens + ids.length)
                    + " tokens; the context holds " + contextSize);
        }
        return ids;
    }

    /** The schema an avro_subject names, or null when there is none. */
    private AvroSubjects.Resolved avroSubject(PromptRequest r) throws Rejected {
        String ref = r.getAvroSubject();
        if (ref == null) return null;
        if (r.getGrammar() != null || r.getJsonSchema() != null || (r.getResponseFormat() != null && r.getResponseFormat() != ResponseFormat.text)) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, "avro_subject cannot be combined with response_format, json_schema or grammar");
        }
        if (subjects == null) throw new Rejected(ErrorCode.INVALID_PARAMS, "avro_subject needs a schema registry (schema.registry.url)");
        try {
            return subjects.resolve(ref);
        } catch (IllegalArgumentException e) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, e.getMessage());
        } catch (AvroSubjects.Unavailable e) {
            throw new RegistryUnavailable(e.getMessage());
        } catch (RuntimeException e) {
            throw new Rejected(ErrorCode.UNKNOWN_SCHEMA, "avro_subject '" + ref + "' could not be resolved: " + e.getMessage());
        }
    }

    private static Grammar avroGrammar(AvroSubjects.Resolved avro) throws Rejected {
        try {
            return GRAMMARS.get("avro", avro.schema().toString(), AvroSchemaCompiler::compile);
        } catch (GrammarException e) {
            throw new Rejected(ErrorCode.UNSUPPORTED_SCHEMA, "avro_subject " + avro.pinned() + ": " + e.getMessage());
        }
    }

    /** The grammar the output must match, or null for free text. */
    private static Grammar constraint(PromptRequest r) throws Rejected {
        ResponseFormat format = r.getResponseFormat() == null ? ResponseFormat.text : r.getResponseFormat();
        String schema = r.getJsonSchema(), gbnf = r.getGrammar();
        if (format != ResponseFormat.text && gbnf != null) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, "grammar can only be used with response_format text, not " + format);
        }
        if (format != ResponseFormat.json_schema && schema != null) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, "json_schema is set but response_format is " + format + ", not json_schema");
        }
        try {
            return switch (format) {
                case text -> gbnf == null ? null : GRAMMARS.get("gbnf", gbnf, Grammar::parse);
                case json_object -> GRAMMARS.get("json_object", "", t -> Grammar.parse(JsonSchemaCompiler.anyObjectGbnf()));
                case json_schema -> {
                    if (schema == null) throw new Rejected(ErrorCode.INVALID_PARAMS, "response_format json_schema needs json_schema");
                    yield GRAMMARS.get("json_schema", schema, JsonSchemaCompiler::compile);
                }
            };
        } catch (UnsupportedSchemaException e) {
            throw new Rejected(ErrorCode.UNSUPPORTED_SCHEMA, e.getMessage());
        } catch (GrammarException e) {
            throw new Rejected(format == ResponseFormat.text ? ErrorCode.INVALID_GRAMMAR : ErrorCode.UNSUPPORTED_SCHEMA, e.getMessage());
        }
    }

    /** Called after {@link RequestRules}: exactly one of prompt and messages is set, and it is not empty. */
    private int[] promptIds(PromptRequest r) throws Rejected {
        if (r.getPrompt() != null) return tokenizer.encode(r.getPrompt(), true, true);
        List<ChatMessage> messages = r.getMessages();
        if (chat == null) {
            throw new Rejected(ErrorCode.NO_CHAT_TEMPLATE, "the model has no chat template (" + ChatPrompter.METADATA_KEY
                    + ") to render messages; configure " + GenstreamConfig.CHAT_TEMPLATE_FILE + " or send a prompt");
        }
        List<Map<String, Object>> ms = new ArrayList<>();
        for (ChatMessage m : messages) ms.add(Map.of("role", m.getRole(), "content", m.getContent()));
        Instant created = r.getCreatedAt() != null ? r.getCreatedAt() : Instant.EPOCH;
        try {
            return chat.encode(ms, null, LocalDateTime.ofInstant(created, ZoneOffset.UTC));
        } catch (TemplateException e) {
            throw new Rejected(ErrorCode.CHAT_TEMPLATE_ERROR, "the chat template rejected the messages: " + e.getMessage());
        }
    }
}
