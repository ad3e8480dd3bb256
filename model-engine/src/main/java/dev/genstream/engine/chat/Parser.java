package dev.genstream.engine.chat;

import dev.genstream.engine.chat.Token.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Recursive-descent parser of a template's statements; expressions are {@link ExprParser}'s. */
final class Parser extends ExprParser {
    private Parser(String src, List<Token> tokens) {
        super(src, tokens);
    }

    static List<Node> parse(String template) {
        Parser p = new Parser(template, Lexer.tokenize(template));
        List<Node> body = p.parseBody(Set.of());
        if (p.peek().kind() != Kind.EOF) throw p.error("unexpected tag '" + p.peek(1).value() + "'");
        return body;
    }

    /** Nodes up to a block tag whose name is in {@code ends} (left unconsumed, positioned at its name) or EOF. */
    private List<Node> parseBody(Set<String> ends) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case EOF -> {
                    if (!ends.isEmpty()) throw error("unexpected end of template, expected one of " + ends);
                    return nodes;
                }
                case TEXT -> {
                    i++;
                    nodes.add(new Node.Text(t.value()));
                }
                case VAR_BEGIN -> {
                    i++;
                    nodes.add(new Node.Output(parseExpression()));
                    expect(Kind.VAR_END, "end of print statement");
                }
                case BLOCK_BEGIN -> {
                    Token name = peek(1);
                    if (name.kind() != Kind.NAME) throw error("expected a tag name");
                    if (ends.contains(name.value())) {
                        i++;
                        return nodes;
                    }
                    i += 2;
                    nodes.add(parseStatement(name));
                }
                default -> throw error("unexpected '" + t.value() + "'");
            }
        }
    }

    private Node parseStatement(Token name) {
        return switch (name.value()) {
            case "if" -> parseIf();
            case "for" -> parseFor();
            case "set" -> parseSet();
            case "macro" -> parseMacro();
            case "call" -> parseCallBlock();
            case "filter" -> parseFilterBlock();
            case "generation" -> { // HF's AssistantTracker tag: marks the assistant's text, renders as its body
                endTag();
                List<Node> body = parseBody(Set.of("endgeneration"));
                next();
                endTag();
                yield new Node.FilterBlock(List.of(), body);
            }
            case "do" -> {
                Expr e = parseTuple(true);
                endTag();
                yield new Node.Do(e);
            }
            case "break" -> {
                endTag();
                yield new Node.Break();
            }
            case "continue" -> {
                endTag();
                yield new Node.Continue();
            }
            default -> throw new TemplateException("template syntax error at " + Lexer.describe(src, name.pos())
                    + ": unknown tag '" + name.value() + "'");
        };
    }

    private Node parseIf() {
        List<Expr> tests = new ArrayList<>();
        List<List<Node>> bodies = new ArrayList<>();
        tests.add(parseTuple(true));
        endTag();
        while (true) {
            bodies.add(parseBody(Set.of("elif", "else", "endif")));
            String tag = next().value();
            if (tag.equals("elif")) {
                tests.add(parseTuple(true));
                endTag();
            } else if (tag.equals("else")) {
                endTag();
                List<Node> otherwise = parseBody(Set.of("endif"));
                next();
                endTag();
                return new Node.If(tests, bodies, otherwise);
            } else {
                endTag();
                return new Node.If(tests, bodies, List.of());
            }
        }
    }

    private Node parseFor() {
        Expr target = parseAssignTarget();
        expectName("in");
        Expr iter = parseTuple(false);
        Expr filter = null;
        if (peek().isName("if")) {
            i++;
            filter = parseExpression();
        }
        boolean recursive = false;
        if (peek().isName("recursive")) {
            i++;
            recursive = true;
        }
        endTag();
        List<Node> body = parseBody(Set.of("endfor", "else"));
        List<Node> otherwise = List.of();
        if (next().value().equals("else")) {
            endTag();
            otherwise = parseBody(Set.of("endfor"));
            next();
        }
        endTag();
        return new Node.For(target, iter, filter, body, otherwise, recursive);
    }

    private Node parseSet() {
        Expr target = parseAssignTarget();
        if (peek().isOp("=")) {
            i++;
            Expr value = parseTuple(true);
            endTag();
            return new Node.Set(target, value);
        }
        List<Expr.Filter> filters = new ArrayList<>();
        while (peek().isOp("|")) {
            i++;
            filters.add(parseFilterTail(null));
        }
        endTag();
        List<Node> body = parseBody(Set.of("endset"));
        next();
        endTag();
        return new Node.SetBlock(target, body, filters);
    }

    private Node parseMacro() {
        String name = expect(Kind.NAME, "macro name").value();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        parseSignature(params, defaults);
        endTag();
        List<Node> body = parseBody(Set.of("endmacro"));
        next();
        endTag();
        return new Node.Macro(name, params, defaults, body);
    }

    private void parseSignature(List<String> params, List<Expr> defaults) {
        expectOp("(");
        while (!peek().isOp(")")) {
            if (!params.isEmpty()) expectOp(",");
            if (peek().isOp(")")) break;
            params.add(expect(Kind.NAME, "parameter name").value());
            if (peek().isOp("=")) {
                i++;
                defaults.add(parseExpression());
            } else {
                if (!defaults.isEmpty()) throw error("non-default parameter follows default parameter");
            }
        }
        i++;
    }

    private Node parseCallBlock() {
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        if (peek().isOp("(")) parseSignature(params, defaults);
        Expr call = parseExpression();
        if (!(call instanceof Expr.Call c)) throw error("expected a call in the call block");
        endTag();
        List<Node> body = parseBody(Set.of("endcall"));
        next();
        endTag();
        return new Node.CallBlock(c, params, defaults, body);
    }

    private Node parseFilterBlock() {
        List<Expr.Filter> filters = new ArrayList<>();
        filters.add(parseFilterTail(null));
        while (peek().isOp("|")) {
            i++;
            filters.add(parseFilterTail(null));
        }
        endTag();
        List<Node> body = parseBody(Set.of("endfilter"));
        next();
        endTag();
        return new Node.FilterBlock(filters, body);
    }

    /** A name, {@code ns.attr}, or a tuple of names. */
    private Expr parseAssignTarget() {
        List<Expr> names = new ArrayList<>();
        boolean tuple = false;
        while (true) {
            Expr e = new Expr.Name(expect(Kind.NAME, "assignment target").value());
            if (peek().isOp(".")) {
                i++;
                e = new Expr.Attr(e, expect(Kind.NAME, "attribute").value());
            }
            names.add(e);
            if (!peek().isOp(",")) break;
            i++;
            tuple = true;
        }
        return tuple ? new Expr.TupleExpr(names) : names.get(0);
    }

    private void endTag() {
        expect(Kind.BLOCK_END, "end of tag");
    }
}
