package dev.genstream.engine.chat;

import java.util.List;

/** Statement nodes of the template language. */
sealed interface Node {
    record Text(String text) implements Node {}
    record Output(Expr expr) implements Node {}
    record If(List<Expr> tests, List<List<Node>> bodies, List<Node> otherwise) implements Node {}
    record For(Expr target, Expr iter, Expr filter, List<Node> body, List<Node> otherwise, boolean recursive)
            implements Node {}
    record Set(Expr target, Expr value) implements Node {}
    record SetBlock(Expr target, List<Node> body, List<Expr.Filter> filters) implements Node {}
    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body) implements Node {}
    record CallBlock(Expr.Call call, List<String> params, List<Expr> defaults, List<Node> body) implements Node {}
    record FilterBlock(List<Expr.Filter> filters, List<Node> body) implements Node {}
    record Do(Expr expr) implements Node {}
    record Break() implements Node {}
    record Continue() implements Node {}
}
