package dev.genstream.engine.constrain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiled grammars by source text, least recently used evicted: a schema is compiled once, and its automaton
 * (which every sequence using it extends and shares) survives across requests. Thread-safe.
 */
public final class GrammarCache {
    private final Map<String, Grammar> map;

    public GrammarCache(int capacity) {
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Grammar> e) {
                return size() > capacity;
            }
        };
    }

    /** The grammar of {@code kind} (e.g. "json_schema") and {@code text}, compiled by {@code compile} on a miss. */
    public Grammar get(String kind, String text, Function<String, Grammar> compile) {
        String key = kind + '\u0000' + text;
        synchronized (map) {
            Grammar g = map.get(key);
            if (g != null) return g;
        }
        Grammar g = compile.apply(text); // outside the lock: compiling may be slow, and may throw
        synchronized (map) {
            map.putIfAbsent(key, g);
            return map.get(key);
        }
    }
}
