package dev.genstream.engine.constrain;

import java.util.List;

/** Schemas for the constrained-generation tests: nested objects, arrays, enums, unions, refs. */
final class TestSchemas {
    private TestSchemas() {}

    static final List<String> JSON_SCHEMAS = List.of(
            """
            {"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}""",
            """
            {"type":"object","properties":{"sentiment":{"enum":["positive","negative","neutral"]},"score":{"type":"number"}},"required":["sentiment"],"additionalProperties":false}""",
            """
            {"type":"array","items":{"type":"string","maxLength":8},"minItems":1,"maxItems":3}""",
            """
            {"type":"object","properties":{"title":{"type":"string","minLength":1,"maxLength":20},"author":{"type":"object","properties":{"first":{"type":"string","maxLength":10},"last":{"type":"string","maxLength":10}},"required":["last"],"additionalProperties":false}},"required":["title","author"],"additionalProperties":false}""",
            """
            {"type":"boolean"}""",
            """
            {"type":["integer","null"]}""",
            """
            {"anyOf":[{"type":"string","maxLength":5},{"type":"integer"}]}""",
            """
            {"oneOf":[{"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"number"}},"required":["kind","r"],"additionalProperties":false},{"type":"object","properties":{"kind":{"const":"square"},"side":{"type":"number"}},"required":["kind","side"],"additionalProperties":false}]}""",
            """
            {"$defs":{"point":{"type":"object","properties":{"x":{"type":"integer"},"y":{"type":"integer"}},"required":["x","y"],"additionalProperties":false}},"type":"object","properties":{"from":{"$ref":"#/$defs/point"},"to":{"$ref":"#/$defs/point"}},"required":["from","to"],"additionalProperties":false}""",
            """
            {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["v"],"additionalProperties":false}},"$ref":"#/$defs/node"}""",
            """
            {"const":{"version":1,"ok":true}}""",
            """
            {"enum":["a",1,null,true,{"k":[1,2]}]}""",
            """
            {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string","maxLength":4},"c":{"type":"boolean"}},"additionalProperties":false}""",
            """
            {"type":"object","additionalProperties":{"type":"integer"}}""",
            """
            {"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"},"tags":{"type":"array","items":{"enum":["x","y","z"]},"maxItems":2}},"required":["id"],"additionalProperties":false},"maxItems":2}""",
            """
            {"type":"string","minLength":3,"maxLength":3}""",
            """
            {"type":"number"}""",
            """
            {"definitions":{"s":{"type":"string","maxLength":6}},"oneOf":[{"$ref":"#/definitions/s"},{"type":"integer"},{"type":"null"}]}""",
            """
            {}""",
            """
            {"type":"array","items":{"type":"array","items":{"type":"integer"},"maxItems":3},"maxItems":3}""",
            """
            {"type":"object","required":["id"]}""",
            """
            {"type":"object","properties":{"user":{"type":"object","properties":{"name":{"type":"string","maxLength":8},"roles":{"type":"array","items":{"enum":["admin","dev"]},"minItems":1,"maxItems":2}},"required":["name","roles"],"additionalProperties":false},"active":{"type":"boolean"}},"required":["user"],"additionalProperties":false}""");

    static final String AVRO = """
            {"type":"record","name":"Review","namespace":"demo","fields":[
              {"name":"title","type":"string"},
              {"name":"mood","type":{"type":"enum","name":"Mood","symbols":["HAPPY","SAD"]}},
              {"name":"stars","type":"int"},
              {"name":"day","type":{"type":"int","logicalType":"date"}},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"counts","type":{"type":"map","values":"long"}},
              {"name":"note","type":["null","string"]},
              {"name":"ratio","type":"double"},
              {"name":"ok","type":"boolean"}]}""";

    /** What a JSON decoder of {@link #AVRO} accepts, as a JSON Schema (int within 32 bits). */
    static final String AVRO_AS_JSON_SCHEMA = """
            {"type":"object","additionalProperties":false,
             "required":["title","mood","stars","day","tags","counts","note","ratio","ok"],
             "properties":{
              "title":{"type":"string"},
              "mood":{"enum":["HAPPY","SAD"]},
              "stars":{"type":"integer","minimum":-2147483648,"maximum":2147483647},
              "day":{"type":"integer","minimum":-2147483648,"maximum":2147483647},
              "tags":{"type":"array","items":{"type":"string"}},
              "counts":{"type":"object","additionalProperties":{"type":"integer"}},
              "note":{"type":["null","string"]},
              "ratio":{"type":"number"},
              "ok":{"type":"boolean"}}}""";
}
