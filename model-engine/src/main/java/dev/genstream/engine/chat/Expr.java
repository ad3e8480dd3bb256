package dev.genstream.engine.chat;

import java.util.List;

/** Expression nodes of the template language. */
sealed interface Expr {
    record Literal(Object value) implements Expr {}
    record Name(String name) implements Expr {}
    record ListExpr(List<Expr> items) implements Expr {}
    record TupleExpr(List<Expr> items) implements Expr {}
    record DictExpr(List<Expr> keys, List<Expr> values) implements Expr {}
    record Attr(Expr target, String name) implements Expr {}
    record Item(Expr target, Expr index) implements Expr {}
    record Slice(Expr start, Expr stop, Expr step) implements Expr {}
    record Call(Expr target, Args args) implements Expr {}
    record Filter(Expr target, String name, Args args) implements Expr {}
    record Test(Expr target, String name, Args args, boolean negated) implements Expr {}
    record Unary(String op, Expr operand) implements Expr {}
    record Binary(String op, Expr left, Expr right) implements Expr {}
    /** Chained comparison {@code a < b <= c}. */
    record Compare(Expr first, List<String> ops, List<Expr> rest) implements Expr {}
    record And(Expr left, Expr right) implements Expr {}
    record Or(Expr left, Expr right) implements Expr {}
    record Not(Expr operand) implements Expr {}
    record Cond(Expr test, Expr then, Expr otherwise) implements Expr {}

    /** Call arguments: positional, keyword (in order), and optional {@code *args} / {@code **kwargs}. */
    record Args(List<Expr> positional, List<String> names, List<Expr> named, Expr star, Expr starStar) {
        static final Args NONE = new Args(List.of(), List.of(), List.of(), null, null);
    }
}
