package dev.genstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.cli.CliContractTest.Run;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.engine.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate --json / --json-schema / --grammar-file and perplexity, run in-process through Main. */
class ConstrainedCommandsTest {
    @TempDir
    Path dir;

    static String model() {
        return BundledModel.path().toString();
    }

    @Test
    void jsonSchemaOutputParsesAndHasTheRequiredFields() throws Exception {
        Path schema = Files.writeString(dir.resolve("s.json"), """
                {"type":"object","properties":{"name":{"type":"string","maxLength":10},"tribe":{"enum":["Judah","Levi"]}},
                 "required":["name","tribe"],"additionalProperties":false}""");
        for (String seed : List.of("1", "2", "3")) {
            Run r = CliContractTest.run("generate", "--model", model(), "-p", "And Moses said,", "--json-schema", schema.toString(), "-n", "40", "-s", seed, "--temperature", "1");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("finish: stop");
            JsonNode v = new ObjectMapper().readTree(r.out());
            assertThat(v.get("name").isTextual()).isTrue();
            assertThat(v.get("tribe").asText()).isIn("Judah", "Levi");
        }
        Run any = CliContractTest.run("generate", "--model", model(), "-p", "And Moses said,", "--json", "-n", "30", "-s", "5");
        assertThat(new ObjectMapper().readTree(any.out()).isObject()).isTrue();
    }

    @Test
    void grammarFileOutputMatchesAndErrorsAreOneLine() throws Exception {
        Path g = Files.writeString(dir.resolve("g.gbnf"), "root ::= \"Yea, \" [a-z]+ (\" \" [a-z]+){0,3} \".\"\n");
        Run r = CliContractTest.run("generate", "--model", model(), "-p", "And God said,", "--grammar-file", g.toString(), "-n", "24", "-s", "9");
        assertThat(r.exit()).isZero();
        assertThat(r.out().stripTrailing()).matches("Yea, [a-z]+( [a-z]+){0,3}\\.");

        Path bad = Files.writeString(dir.resolve("bad.gbnf"), "root ::= \"a\"\nx ::= (\"b\"\n");
        Run e = CliContractTest.run("generate", "--model", model(), "-p", "x", "--grammar-file", bad.toString());
        assertThat(e.exit()).isEqualTo(1);
        assertThat(e.err().strip()).isEqualTo("genstream generate: grammar syntax error at line 2, column 7: unclosed '(': expected ')'");

        Path unsupported = Files.writeString(dir.resolve("u.json"), "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"date\"}}}");
        Run u = CliContractTest.run("generate", "--model", model(), "-p", "x", "--json-schema", unsupported.toString());
        assertThat(u.exit()).isEqualTo(1);
        assertThat(u.err()).contains("unsupported schema keyword 'format' at #/properties/d");
    }

    @Test
    void perplexityPrintsEachChunkAndLlamaCppsFinalLine() {
        Path text = SharedData.require("models/kjv-llama-6m/perplexity.txt");
        Run r = CliContractTest.run("perplexity", "--model", model(), "--text-file", text.toString(), "--ctx-size", "64", "--batch-size", "16");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.matches("\\[\\d/5] [0-9.]+ \\(.*")).count()).isEqualTo(5);
        Matcher m = Pattern.compile("(?m)^Final estimate: PPL = ([0-9.]+) \\+/- ([0-9.]+)$").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        // llama.cpp's q8_0 figure at -c 64 is 5.7218 +/- 0.97179 (shared/.../perplexity.llamacpp.json); see PerplexityTest
        assertThat(Double.parseDouble(m.group(1))).isBetween(5.7218 * 0.99, 5.7218 * 1.01);
    }
}
