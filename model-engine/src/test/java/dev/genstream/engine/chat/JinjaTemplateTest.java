package dev.genstream.engine.chat;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Semantics the shared vectors rely on only indirectly; expected values are Python jinja2's. */
class JinjaTemplateTest {
    private static final LocalDateTime NOW = LocalDateTime.parse("2026-01-15T09:30:00");

    private static String render(String template, Map<String, ?> vars) {
        return JinjaTemplate.parse(template).render(vars, NOW).toString();
    }

    private static String render(String template) {
        return render(template, Map.of());
    }

    @Test
    void pythonSemantics() {
        assertThat(render("{% set c = 0 %}{% for i in range(3) %}{% set c = c + 1 %}{{ c }}{% endfor %}{{ c }}"))
                .isEqualTo("1110");
        assertThat(render("{% for x in [1,2,3] if x > 1 %}{{ loop.index }}/{{ loop.length }}{{ loop.previtem }}"
                + "{% endfor %}")).isEqualTo("1/22/22");
        assertThat(render("{{ 'abc'[::-1] }} {{ [1,2,3][1:] }} {{ 1.5 }} {{ 1e20 }} {{ 3/2 }} {{ 4/2 }} {{ 7//2 }} "
                + "{{ -7 % 3 }}")).isEqualTo("cba [2, 3] 1.5 1e+20 1.5 2.0 3 2");
        assertThat(render("{{ {'a': [1, 'x', None, True]} }}")).isEqualTo("{'a': [1, 'x', None, True]}");
        assertThat(render("{{ not 'a' in ['b'] }} {{ 'x' if none is none else 'y' }} {{ 1 < 2 < 3 }}"))
                .isEqualTo("True x True");
        assertThat(render("{% set ns = namespace(a=1) %}{% for i in [1] %}{% set ns.a = 2 %}{% endfor %}{{ ns.a }}"))
                .isEqualTo("2");
        assertThat(render("{{ none | default('x') }}|{{ nope | trim }}|{{ nope ~ 'a' }}|{{ d.y is defined }}",
                Map.of("d", Map.of()))).isEqualTo("None||a|False");
        assertThat(render("{{ {'b': 1, 'a': [1.0, 'é\n']} | tojson(indent=2, sort_keys=true) }}"))
                .isEqualTo("{\n  \"a\": [\n    1.0,\n    \"é\\n\"\n  ],\n  \"b\": 1\n}");
        assertThat(render("{{ strftime_now('%d %b %Y') }}")).isEqualTo("15 Jan 2026");
        assertThat(render("{% generation %}kept{% endgeneration %}")).isEqualTo("kept");
    }

    @Test
    void whitespaceControl() {
        assertThat(render("a\n  {% if true %}\n  b\n  {% endif %}\nc")).isEqualTo("a\n  b\nc");
        assertThat(render("a  {%- if true -%}  b  {%- endif %}")).isEqualTo("ab");
        assertThat(render("a\n  {%+ if true +%}\nb{% endif %}\n")).isEqualTo("a\n  \nb");
    }

    @Test
    void failuresAreExceptionsNeverPartialOutput() {
        assertThatThrownBy(() -> render("ok{{ 'a' + {} }}")).isInstanceOf(TemplateException.class)
                .hasMessage("can only concatenate str (not \"dict\") to str");
        assertThatThrownBy(() -> render("ok{{ raise_exception('no system role') }}"))
                .hasMessage("no system role");
        assertThatThrownBy(() -> render("{{ x.y }}")).hasMessage("'x' is undefined");
        assertThatThrownBy(() -> render("{% frobnicate %}")).hasMessageContaining("unknown tag 'frobnicate'");
        assertThatThrownBy(() -> render("{% if true %}never closed")).hasMessageContaining("unexpected end of template");
        assertThatThrownBy(() -> render("{{ [1] | map('string') | tojson }}"))
                .hasMessage("Object of type generator is not JSON serializable");
        assertThatThrownBy(() -> render("{{ [].append(1) }}")).hasMessageContaining("unsafe");
        assertThat(render("{{ xs | map('upper') | join(',') }}", Map.of("xs", List.of("a", "b")))).isEqualTo("A,B");
    }
}
