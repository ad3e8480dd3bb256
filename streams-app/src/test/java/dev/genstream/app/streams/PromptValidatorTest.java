package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.chat.ChatTemplate;
import dev.genstream.engine.gguf.GgufFile;
import dev.genstream.engine.sampling.CounterRng;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.engine.tokenizer.Tokenizer;
import dev.genstream.schemas.ChatMessage;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PromptValidatorTest {
    static PromptValidator validator;
    static Tokenizer tokenizer;
    static ChatPrompter chat;

    @BeforeAll
    static void load() {
        try (GgufFile f = GgufFile.open(BundledModel.path())) {
            tokenizer = Tokenizer.fromGguf(f.metadata());
            chat = ChatPrompter.forModel(f.metadata(), tokenizer, null).orElseThrow();
        }
        validator = new PromptValidator(tokenizer, chat, "kjv", 32, 100);
    }

    static PromptRequest.Builder req() {
        return PromptRequest.newBuilder().setRequestId("id-1").setPrompt("In the beginning").setCreatedAt(Instant.now());
    }

    @Test
    void defaultsApplyAndTheSeedComesFromTheRequestIdWhenAbsent() throws Exception {
        PromptValidator wide = new PromptValidator(tokenizer, chat, "kjv", 32, 2048);
        PromptValidator.Accepted a = wide.validate(req().build());
        assertThat(a.promptIds()).containsExactly(tokenizer.encode("In the beginning", true, true));
        assertThat(a.params().maxTokens()).isEqualTo(256);
        assertThat(a.params().sampling().temperature()).isEqualTo(0.8f, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(a.seed()).isEqualTo(CounterRng.seedFor("id-1"));
        assertThat(a.params().sampling().seed()).isEqualTo(a.seed());
        assertThat(a.emitTokens()).isTrue();
        PromptValidator.Accepted seeded = validator.validate(req().setParams(GenerationParams.newBuilder().setMaxTokens(5).setSeed(9L).build()).build());
        assertThat(seeded.seed()).isEqualTo(9L);
        assertThat(seeded.params().maxTokens()).isEqualTo(5);
    }

    @Test
    void messagesAreRenderedWithTheModelsChatTemplate() throws Exception {
        PromptValidator.Accepted a = validator.validate(req().setPrompt(null)
                .setMessages(List.of(new ChatMessage("user", "Who?"))).setParams(GenerationParams.newBuilder().setMaxTokens(5).build()).build());
        assertThat(tokenizer.decode(a.promptIds(), true)).isEqualTo("<|im_start|>user\nWho?<|im_end|>\n<|im_start|>assistant\n");
        assertThat(a.promptIds()).containsExactly(tokenizer.encode("<|im_start|>user\nWho?<|im_end|>\n<|im_start|>assistant\n", false, true));
        assertThat(a.params().endTokens()).containsExactly(tokenizer.tokenId("<|im_end|>"));
        assertThat(validator.validate(req().setParams(GenerationParams.newBuilder().setMaxTokens(5).build()).build())
                .params().endTokens()).isEmpty();
    }

    @Test
    void controlTokenTextInMessagesStaysText() throws Exception {
        PromptValidator.Accepted a = validator.validate(req().setPrompt(null)
                .setMessages(List.of(new ChatMessage("user", "<|im_end|>"))).setParams(GenerationParams.newBuilder().setMaxTokens(5).build()).build());
        assertThat(java.util.Arrays.stream(a.promptIds()).filter(tokenizer::isControl).count()).isEqualTo(3);
    }

    @Test
    void messagesNeedAChatTemplate() throws Exception {
        PromptValidator none = new PromptValidator(tokenizer, null, "kjv", 32, 100);
        PromptRequest r = req().setPrompt(null).setMessages(List.of(new ChatMessage("user", "Who?")))
                .setParams(GenerationParams.newBuilder().setMaxTokens(5).build()).build();
        assertThatThrownBy(() -> none.validate(r)).isInstanceOf(PromptValidator.Rejected.class)
                .hasMessageContaining("no chat template")
                .satisfies(e -> assertThat(((PromptValidator.Rejected) e).code()).isEqualTo(ErrorCode.NO_CHAT_TEMPLATE));
        PromptValidator strict = new PromptValidator(tokenizer, new ChatPrompter(ChatTemplate.of(
                "{% if messages[0].role != 'system' %}{{ raise_exception('a system message must come first') }}{% endif %}"),
                tokenizer), "kjv", 32, 100);
        assertThatThrownBy(() -> strict.validate(r)).hasMessageContaining("a system message must come first")
                .satisfies(e -> assertThat(((PromptValidator.Rejected) e).code()).isEqualTo(ErrorCode.CHAT_TEMPLATE_ERROR));
        // the prompt path needs no template
        assertThat(none.validate(req().setParams(GenerationParams.newBuilder().setMaxTokens(5).build()).build()).promptIds()).isNotEmpty();
    }

    @Test
    void eachProblemHasItsCode() {
        GenerationParams ok = GenerationParams.newBuilder().setMaxTokens(5).build();
        expect(req().setPrompt(null).setParams(ok).build(), ErrorCode.MISSING_PROMPT);
        expect(req().setPrompt("").setParams(ok).build(), ErrorCode.EMPTY_PROMPT);
        expect(req().setPrompt(null).setMessages(List.of()).setParams(ok).build(), ErrorCode.EMPTY_PROMPT);
        expect(req().setPrompt("And God said, Let there be light. ".repeat(8)).setParams(ok).build(), ErrorCode.PROMPT_TOO_LONG);
        expect(req().setParams(GenerationParams.newBuilder().setMaxTokens(0).build()).build(), ErrorCode.INVALID_MAX_TOKENS);
        expect(req().build(), ErrorCode.INVALID_MAX_TOKENS); // the default 256 is above this validator's limit of 100
        expect(req().setParams(GenerationParams.newBuilder().setMaxTokens(5).setTemperature(-1f).build()).build(), ErrorCode.INVALID_TEMPERATURE);
        expect(req().setParams(GenerationParams.newBuilder().setMaxTokens(5).setTopP(0f).build()).build(), ErrorCode.INVALID_TOP_P);
        expect(req().setParams(GenerationParams.newBuilder().setMaxTokens(5).setTopK(-3).build()).build(), ErrorCode.INVALID_PARAMS);
        expect(req().setParams(GenerationParams.newBuilder().setMaxTokens(5).setLogprobs(99).build()).build(), ErrorCode.INVALID_PARAMS);
        expect(req().setModel("other").setParams(ok).build(), ErrorCode.UNKNOWN_MODEL);
        expect(req().setMessages(List.of(new ChatMessage("user", "Who?"))).setParams(ok).build(), ErrorCode.INVALID_PARAMS);
    }

    static void expect(PromptRequest r, ErrorCode code) {
        assertThatThrownBy(() -> validator.validate(r)).isInstanceOf(PromptValidator.Rejected.class)
                .satisfies(e -> assertThat(((PromptValidator.Rejected) e).code()).isEqualTo(code));
    }
}
