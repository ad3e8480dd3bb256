package dev.genstream.engine.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snippets of every construct the interpreter supports, rendered by Python's jinja2 3.1.6 as HF configures it
 * ({@code chat/make-jinja2-cases.py} regenerates {@code chat/jinja2-cases.json} from {@code chat/snippets.txt}).
 */
class Jinja2DifferentialTest {
    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = Jinja2DifferentialTest.class.getResourceAsStream("/chat/jinja2-cases.json")) {
            Map<String, Object> root = new ObjectMapper().readValue(in, Map.class);
            Map<String, Object> vars = (Map<String, Object>) root.get("variables");
            LocalDateTime now = LocalDateTime.parse((String) root.get("now"));
            List<Map<String, Object>> cases = (List<Map<String, Object>>) root.get("cases");
            assertThat(cases).hasSizeGreaterThan(100);
            return cases.stream().map(c -> Arguments.of(c.get("template"), c, vars, now));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersLikeJinja2(String template, Map<String, Object> c, Map<String, Object> vars, LocalDateTime now) {
        if (c.containsKey("expected_error")) {
            assertThatThrownBy(() -> JinjaTemplate.parse(template).render(vars, now))
                    .as("jinja2 failed with %s", c.get("expected_error")).isInstanceOf(TemplateException.class);
        } else {
            assertThat(JinjaTemplate.parse(template).render(vars, now).toString()).isEqualTo(c.get("expected"));
        }
    }
}
