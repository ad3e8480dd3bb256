package dev.genstream.engine.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the JSON Schema and Avro compilers accept and reject; unsupported keywords are named, never relaxed. */
class SchemaCompilerTest {
    static boolean matches(Grammar g, String text) {
        return g.matches(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void objectsKeepDeclaredOrderAndRequiredProperties() {
        Grammar g = JsonSchemaCompiler.compile("""
                {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string","maxLength":2},"c":{"enum":["x","y"]}},
                 "required":["b"],"additionalProperties":false}""");
        assertThat(matches(g, "{\"b\":\"hi\"}")).isTrue();
        assertThat(matches(g, "{ \"a\": -12, \"b\": \"\", \"c\": \"y\"}")).isTrue();
        assertThat(matches(g, "{\"a\":1}")).isFalse(); // b is required
        assertThat(matches(g, "{\"b\":\"abc\"}")).isFalse(); // maxLength
        assertThat(matches(g, "{\"b\":\"a\",\"c\":\"z\"}")).isFalse(); // enum
        assertThat(matches(g, "{\"a\":01,\"b\":\"a\"}")).isFalse(); // JSON numbers have no leading zeros
    }

    @Test
    void arraysRefsAndUnions() {
        Grammar g = JsonSchemaCompiler.compile("""
                {"$defs":{"n":{"anyOf":[{"type":"integer"},{"type":"null"}]}},"type":"array","items":{"$ref":"#/$defs/n"},"minItems":1,"maxItems":2}""");
        assertThat(matches(g, "[1]")).isTrue();
        assertThat(matches(g, "[null, 2]")).isTrue();
        assertThat(matches(g, "[]")).isFalse();
        assertThat(matches(g, "[1,2,3]")).isFalse();
        assertThat(matches(g, "[\"a\"]")).isFalse();
    }

    @Test
    void stringsCountCodePointsAndEscapes() {
        Grammar g = JsonSchemaCompiler.compile("{\"type\":\"string\",\"minLength\":2,\"maxLength\":2}");
        assertThat(matches(g, "\"日本\"")).isTrue();
        assertThat(matches(g, "\"\\n\\u00e9\"")).isTrue();
        assertThat(matches(g, "\"\\ud83d\\ude00\"")).isFalse(); // a surrogate pair would be one code point
        assertThat(matches(g, "\"abc\"")).isFalse();
        assertThat(matches(g, "\"a\nb\"".substring(0, 4) + "\"")).isFalse(); // raw control characters are not JSON
    }

    @Test
    void unsupportedKeywordsAreNamed() {
        assertUnsupported("{\"type\":\"string\",\"pattern\":\"^a\"}", "pattern");
        assertUnsupported("{\"type\":\"string\",\"format\":\"date\"}", "format");
        assertUnsupported("{\"type\":\"integer\",\"minimum\":0}", "minimum");
        assertUnsupported("{\"type\":\"array\",\"items\":[{\"type\":\"integer\"}]}", "items");
        assertUnsupported("{\"$ref\":\"https://example.com/s.json\"}", "$ref");
        assertUnsupported("{\"type\":\"object\",\"anyOf\":[{\"required\":[\"a\"]}]}", "type");
        assertUnsupported("{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]}", "oneOf");
        assertUnsupported("{\"type\":\"object\",\"properties\":{\"a\":{}},\"additionalProperties\":{\"type\":\"integer\"}}", "additionalProperties");
        assertUnsupported("{\"type\":\"date\"}", "type");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"type\":")).hasMessageContaining("not valid JSON");
    }

    @Test
    void oneOfWithProvablyExclusiveBranchesIsAccepted() {
        Grammar g = JsonSchemaCompiler.compile("""
                {"oneOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":false},
                          {"type":"object","properties":{"b":{"type":"integer"}},"required":["b"],"additionalProperties":false}]}""");
        assertThat(matches(g, "{\"a\":1}")).isTrue();
        assertThat(matches(g, "{\"b\":1}")).isTrue();
        assertThat(matches(g, "{}")).isFalse();
    }

    @Test
    void avroRecordsEnumsMapsAndNullableUnions() {
        Grammar g = AvroSchemaCompiler.compile("""
                {"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
                 {"name":"m","type":{"type":"map","values":"int"}},{"name":"o","type":["null","R"]},
                 {"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");
        assertThat(matches(g, "{\"e\":\"A\",\"m\":{},\"o\":null,\"t\":5}")).isTrue();
        assertThat(matches(g, "{\"e\":\"B\",\"m\":{\"x\":1},\"o\":{\"e\":\"A\",\"m\":{},\"o\":null,\"t\":0},\"t\":-5}")).isTrue();
        assertThat(matches(g, "{\"e\":\"C\",\"m\":{},\"o\":null,\"t\":5}")).isFalse();
        assertThat(matches(g, "{\"e\":\"A\",\"m\":{\"x\":12345678901},\"o\":null,\"t\":5}")).isFalse(); // beyond int
        assertThatThrownBy(() -> AvroSchemaCompiler.compile("[\"int\",\"string\"]"))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("'union'");
        assertThatThrownBy(() -> AvroSchemaCompiler.compile("{\"type\":\"bytes\"}")).hasMessageContaining("'bytes'");
        assertThatThrownBy(() -> AvroSchemaCompiler.compile("{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}")).hasMessageContaining("'fixed'");
    }

    private static void assertUnsupported(String schema, String keyword) {
        assertThatThrownBy(() -> JsonSchemaCompiler.compile(schema))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessageContaining("'" + keyword + "'")
                .satisfies(e -> assertThat(((UnsupportedSchemaException) e).keyword()).isEqualTo(keyword));
    }
}
