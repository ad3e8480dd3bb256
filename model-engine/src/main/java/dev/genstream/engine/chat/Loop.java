package dev.genstream.engine.chat;

import java.util.List;

/** The {@code loop} variable inside a {@code for} block. */
final class Loop {
    private final List<Object> items;
    private final int depth0;
    final PyCallable recurse;
    int index0;

    Loop(List<Object> items, int depth0, PyCallable recurse) {
        this.items = items;
        this.depth0 = depth0;
        this.recurse = recurse;
    }

    Object attr(String name) {
        int n = items.size();
        return switch (name) {
            case "index0" -> (long) index0;
            case "index" -> (long) index0 + 1;
            case "revindex0" -> (long) (n - index0 - 1);
            case "revindex" -> (long) (n - index0);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth0" -> (long) depth0;
            case "depth" -> (long) depth0 + 1;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : new Undefined("there is no previous item");
            case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1) : new Undefined("there is no next item");
            case "cycle" -> (PyCallable) (a, kw) -> {
                if (a.isEmpty()) throw Py.typeError("no items for cycling given");
                return a.get(index0 % a.size());
            };
            default -> Undefined.attribute(this, name);
        };
    }
}
