package dev.genstream.engine.chat;

import java.util.HashMap;
import java.util.Map;

/** Variables of one template frame; reads fall through to the enclosing frame, writes stay here. */
final class Scope {
    private static final Object MISSING = new Object();

    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Object get(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.vars.getOrDefault(name, MISSING);
            if (v != MISSING) return v;
        }
        return Undefined.name(name);
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
