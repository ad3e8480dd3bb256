package dev.genstream.engine.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.engine.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The 48 real chat templates of {@code shared/chat-templates} and their 768 renderings by Python's jinja2 as HF's
 * {@code apply_chat_template} runs it: each must render to exactly the expected string, or fail where Python failed.
 */
class ChatTemplateConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() throws IOException {
        Path dir = SharedData.require("chat-templates");
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                Map<String, Object> t = JSON.readValue(f.toFile(), Map.class);
                List<Map<String, Object>> cases = (List<Map<String, Object>>) t.get("cases");
                for (Map<String, Object> c : cases) {
                    String label = t.get("name") + " / " + c.get("conversation") + (Boolean.TRUE.equals(c.get("add_generation_prompt")) ? " +gen" : "");
                    out.add(Arguments.of(label, t, c));
                }
            }
        }
        assertThat(out).as("cases in %s", dir).hasSize(768);
        return out.stream();
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersLikePython(String label, Map<String, Object> t, Map<String, Object> c) {
        ChatTemplate template = ChatTemplate.of((String) t.get("template"));
        List<Map<String, Object>> messages = (List<Map<String, Object>>) c.get("messages");
        List<Object> tools = (List<Object>) c.get("tools");
        boolean gen = (Boolean) c.get("add_generation_prompt");
        LocalDateTime now = LocalDateTime.parse((String) t.get("now"));
        String bos = (String) t.get("bos_token"), eos = (String) t.get("eos_token");
        if (c.containsKey("expected_error")) {
            assertThatThrownBy(() -> template.render(messages, tools, gen, bos, eos, now))
                    .as("Python failed with: %s", c.get("expected_error"))
                    .isInstanceOf(TemplateException.class)
                    .hasMessageContaining((String) c.get("expected_error"));
        } else {
            ChatTemplate.Rendering r = template.render(messages, tools, gen, bos, eos, now);
            assertThat(r.text()).isEqualTo(c.get("expected"));
            assertThat(String.join("", r.segments().stream().map(Segment::text).toList())).isEqualTo(r.text());
        }
    }
}
