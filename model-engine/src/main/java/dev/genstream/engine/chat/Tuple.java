package dev.genstream.engine.chat;

import java.util.AbstractList;
import java.util.List;

/** A Python tuple: an immutable list that prints as {@code (a, b)} and never equals a list. */
final class Tuple extends AbstractList<Object> {
    private final Object[] items;

    Tuple(Object... items) {
        this.items = items.clone();
    }

    static Tuple of(List<?> items) {
        return new Tuple(items.toArray());
    }

    @Override public Object get(int i) { return items[i]; }
    @Override public int size() { return items.length; }
}
