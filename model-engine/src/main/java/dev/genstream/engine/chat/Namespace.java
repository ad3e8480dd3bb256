package dev.genstream.engine.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/** Jinja's {@code namespace(...)}: the one object a template may assign attributes to across scopes. */
final class Namespace {
    final Map<Object, Object> attrs = new LinkedHashMap<>();

    @Override public String toString() {
        return "<Namespace " + Py.repr(attrs) + ">";
    }
}
