package dev.genstream.engine.chat;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed Jinja template, rendered as HF's {@code apply_chat_template} does (sandboxed, {@code trim_blocks},
 * {@code lstrip_blocks}, loop controls, {@code raise_exception}, {@code strftime_now}). Any failure is a
 * {@link TemplateException}; there is no partial output.
 */
public final class JinjaTemplate {
    private final List<Node> nodes;

    private JinjaTemplate(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** @throws TemplateException on a syntax error */
    public static JinjaTemplate parse(String source) {
        return new JinjaTemplate(Parser.parse(source));
    }

    /**
     * Renders with {@code variables} (JSON-like Java values, or {@link PyStr} for marked strings) and the fixed
     * clock {@code now} for {@code strftime_now}.
     */
    public PyStr render(Map<String, ?> variables, LocalDateTime now) {
        Map<String, Object> globals = new HashMap<>();
        globals.put("range", (PyCallable) (a, kw) -> range(a));
        globals.put("namespace", (PyCallable) (a, kw) -> namespace(a, kw));
        globals.put("dict", (PyCallable) (a, kw) -> {
            Map<Object, Object> m = new LinkedHashMap<>();
            if (!a.isEmpty() && a.getFirst() instanceof Map<?, ?> src) m.putAll(src);
            kw.forEach((k, v) -> m.put(PyStr.of(k), v));
            return m;
        });
        globals.put("raise_exception", (PyCallable) (a, kw) -> {
            throw new TemplateException(a.isEmpty() ? "raise_exception called" : Py.str(a.getFirst()).text);
        });
        globals.put("strftime_now", (PyCallable) (a, kw) -> {
            PyStr fmt = Py.str(a.getFirst());
            return PyStr.derived(Strftime.format(now, fmt.text), fmt);
        });
        variables.forEach((k, v) -> globals.put(k, Py.fromJava(v, false)));
        try {
            return Interpreter.render(nodes, globals);
        } catch (TemplateException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new TemplateException("template recursion too deep");
        } catch (RuntimeException e) {
            // a bug-class failure inside a filter or method (e.g. too few arguments): still one clear error
            throw new TemplateException("template error: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : ""), e);
        }
    }

    private static List<Object> range(List<Object> a) {
        if (a.isEmpty() || a.size() > 3) throw Py.typeError("range expected 1 to 3 arguments");
        long start = a.size() == 1 ? 0 : Py.toLong(a.get(0));
        long stop = Py.toLong(a.get(a.size() == 1 ? 0 : 1));
        long step = a.size() == 3 ? Py.toLong(a.get(2)) : 1;
        if (step == 0) throw Py.typeError("range() arg 3 must not be zero");
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (out.size() > 100_000) throw new TemplateException("range too big");
            out.add(i);
        }
        return out;
    }

    private static Namespace namespace(List<Object> a, Map<String, Object> kw) {
        Namespace ns = new Namespace();
        for (Object o : a) {
            if (!(o instanceof Map<?, ?> m)) throw Py.typeError("namespace() takes mappings as positional arguments");
            ns.attrs.putAll(m);
        }
        kw.forEach((k, v) -> ns.attrs.put(PyStr.of(k), v));
        return ns;
    }
}
