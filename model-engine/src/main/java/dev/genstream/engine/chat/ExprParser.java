package dev.genstream.engine.chat;

import dev.genstream.engine.chat.Token.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Expressions, by Jinja's grammar: conditional, or, and, not, comparisons, + -, ~, * / // %, **, unary, filters/tests, postfix. */
abstract class ExprParser extends TokenStream {
    private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");

    ExprParser(String src, List<Token> tokens) {
        super(src, tokens);
    }

    /** Expressions separated by commas form a tuple (as in {@code for} and {@code set}). */
    Expr parseTuple(boolean withCond) {
        Expr first = withCond ? parseExpression() : parseOr();
        if (!peek().isOp(",")) return first;
        List<Expr> items = new ArrayList<>(List.of(first));
        while (peek().isOp(",")) {
            i++;
            if (peek().kind() == Kind.BLOCK_END || peek().kind() == Kind.VAR_END || peek().isName("in")) break;
            items.add(withCond ? parseExpression() : parseOr());
        }
        return new Expr.TupleExpr(items);
    }

    Expr parseExpression() {
        Expr e = parseOr();
        while (peek().isName("if")) {
            i++;
            Expr test = parseOr();
            Expr otherwise = null;
            if (peek().isName("else")) {
                i++;
                otherwise = parseExpression();
            }
            e = new Expr.Cond(test, e, otherwise);
        }
        return e;
    }

    private Expr parseOr() {
        Expr e = parseAnd();
        while (peek().isName("or")) {
            i++;
            e = new Expr.Or(e, parseAnd());
        }
        return e;
    }

    private Expr parseAnd() {
        Expr e = parseNot();
        while (peek().isName("and")) {
            i++;
            e = new Expr.And(e, parseNot());
        }
        return e;
    }

    private Expr parseNot() {
        if (peek().isName("not")) {
            i++;
            return new Expr.Not(parseNot());
        }
        return parseCompare();
    }

    private Expr parseCompare() {
        Expr first = parseMath1();
        List<String> ops = new ArrayList<>();
        List<Expr> rest = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.OP && COMPARE.contains(t.value())) {
                i++;
                ops.add(t.value());
            } else if (t.isName("in")) {
                i++;
                ops.add("in");
            } else if (t.isName("not") && peek(1).isName("in")) {
                i += 2;
                ops.add("not in");
            } else {
                break;
            }
            rest.add(parseMath1());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops, rest);
    }

    private Expr parseMath1() {
        Expr e = parseConcat();
        while (peek().isOp("+") || peek().isOp("-")) {
            String op = next().value();
            e = new Expr.Binary(op, e, parseConcat());
        }
        return e;
    }

    private Expr parseConcat() {
        Expr e = parseMath2();
        while (peek().isOp("~")) {
            i++;
            e = new Expr.Binary("~", e, parseMath2());
        }
        return e;
    }

    private Expr parseMath2() {
        Expr e = parsePow();
        while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
            String op = next().value();
            e = new Expr.Binary(op, e, parsePow());
        }
        return e;
    }

    private Expr parsePow() {
        Expr e = parseUnary(true);
        while (peek().isOp("**")) {
            i++;
            e = new Expr.Binary("**", e, parseUnary(true));
        }
        return e;
    }

    private Expr parseUnary(boolean withFilter) {
        Expr e;
        if (peek().isOp("-") || peek().isOp("+")) {
            String op = next().value();
            e = new Expr.Unary(op, parseUnary(false));
        } else {
            e = parsePrimary();
        }
        e = parsePostfix(e);
        return withFilter ? parseFilterExpr(e) : e;
    }

    private Expr parsePrimary() {
        Token t = next();
        switch (t.kind()) {
            case NAME -> {
                return switch (t.value()) {
                    case "true", "True" -> new Expr.Literal(Boolean.TRUE);
                    case "false", "False" -> new Expr.Literal(Boolean.FALSE);
                    case "none", "None" -> new Expr.Literal(null);
                    default -> new Expr.Name(t.value());
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder(t.value());
                while (peek().kind() == Kind.STRING) sb.append(next().value());
                return new Expr.Literal(PyStr.of(sb.toString()));
            }
            case INT -> {
                return new Expr.Literal(Long.parseLong(t.value()));
            }
            case FLOAT -> {
                return new Expr.Literal(Double.parseDouble(t.value()));
            }
            case OP -> {
                switch (t.value()) {
                    case "(" -> {
                        if (peek().isOp(")")) {
                            i++;
                            return new Expr.TupleExpr(List.of());
                        }
                        Expr first = parseExpression();
                        if (peek().isOp(")")) {
                            i++;
                            return first;
                        }
                        List<Expr> items = new ArrayList<>(List.of(first));
                        while (peek().isOp(",")) {
                            i++;
                            if (peek().isOp(")")) break;
                            items.add(parseExpression());
                        }
                        expectOp(")");
                        return new Expr.TupleExpr(items);
                    }
                    case "[" -> {
                        List<Expr> items = new ArrayList<>();
                        while (!peek().isOp("]")) {
                            if (!items.isEmpty()) expectOp(",");
                            if (peek().isOp("]")) break;
                            items.add(parseExpression());
                        }
                        i++;
                        return new Expr.ListExpr(items);
                    }
                    case "{" -> {
                        List<Expr> keys = new ArrayList<>();
                        List<Expr> values = new ArrayList<>();
                        while (!peek().isOp("}")) {
                            if (!keys.isEmpty()) expectOp(",");
                            if (peek().isOp("}")) break;
                            keys.add(parseExpression());
                            expectOp(":");
                            values.add(parseExpression());
                        }
                        i++;
                        return new Expr.DictExpr(keys, values);
                    }
                    default -> {}
                }
            }
            default -> {}
        }
        i--;
        throw error("unexpected '" + (t.kind() == Kind.EOF ? "end of template" : t.value()) + "'");
    }

    private Expr parsePostfix(Expr e) {
        while (true) {
            if (peek().isOp(".")) {
                i++;
                Token t = next();
                if (t.kind() == Kind.NAME) e = new Expr.Attr(e, t.value());
                else if (t.kind() == Kind.INT) e = new Expr.Item(e, new Expr.Literal(Long.parseLong(t.value())));
                else throw error("expected an attribute name");
            } else if (peek().isOp("[")) {
                i++;
                e = new Expr.Item(e, parseSubscript());
                expectOp("]");
            } else if (peek().isOp("(")) {
                i++;
                e = new Expr.Call(e, parseArgs());
            } else {
                return e;
            }
        }
    }

    private Expr parseSubscript() {
        Expr[] parts = new Expr[3];
        int part = 0;
        boolean slice = false;
        while (true) {
            if (peek().isOp(":")) {
                i++;
                slice = true;
                if (++part > 2) throw error("too many ':' in slice");
            } else if (peek().isOp("]")) {
                break;
            } else {
                if (parts[part] != null) throw error("expected ']'");
                parts[part] = parseExpression();
            }
        }
        if (!slice) {
            if (parts[0] == null) throw error("empty subscript");
            return parts[0];
        }
        return new Expr.Slice(parts[0], parts[1], parts[2]);
    }

    private Expr parseFilterExpr(Expr e) {
        while (true) {
            if (peek().isOp("|")) {
                i++;
                e = parseFilterTail(e);
            } else if (peek().isName("is")) {
                i++;
                e = parseTest(e);
            } else if (peek().isOp("(")) {
                i++;
                e = new Expr.Call(e, parseArgs());
            } else {
                return e;
            }
        }
    }

    Expr.Filter parseFilterTail(Expr target) {
        StringBuilder name = new StringBuilder(expect(Kind.NAME, "filter name").value());
        while (peek().isOp(".")) {
            i++;
            name.append('.').append(expect(Kind.NAME, "filter name").value());
        }
        Expr.Args args = Expr.Args.NONE;
        if (peek().isOp("(")) {
            i++;
            args = parseArgs();
        }
        return new Expr.Filter(target, name.toString(), args);
    }

    private Expr parseTest(Expr target) {
        boolean negated = false;
        if (peek().isName("not")) {
            i++;
            negated = true;
        }
        String name = expect(Kind.NAME, "test name").value();
        Expr.Args args = Expr.Args.NONE;
        Token t = peek();
        if (t.isOp("(")) {
            i++;
            args = parseArgs();
        } else if ((t.kind() == Kind.NAME || t.kind() == Kind.STRING || t.kind() == Kind.INT || t.kind() == Kind.FLOAT
                || t.isOp("[") || t.isOp("{")) && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            if (t.isName("is")) throw error("you cannot chain multiple tests with is");
            Expr arg = parsePostfix(parsePrimary());
            args = new Expr.Args(List.of(arg), List.of(), List.of(), null, null);
        }
        return new Expr.Test(target, name, args, negated);
    }

    /** Arguments after an opening parenthesis, through the closing one. */
    private Expr.Args parseArgs() {
        List<Expr> positional = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Expr> named = new ArrayList<>();
        Expr star = null, starStar = null;
        boolean first = true;
        while (!peek().isOp(")")) {
            if (!first) expectOp(",");
            first = false;
            if (peek().isOp(")")) break;
            if (peek().isOp("**")) {
                i++;
                starStar = parseExpression();
            } else if (peek().isOp("*")) {
                i++;
                star = parseExpression();
            } else if (peek().kind() == Kind.NAME && peek(1).isOp("=")) {
                names.add(next().value());
                i++;
                named.add(parseExpression());
            } else {
                if (!names.isEmpty()) throw error("positional argument follows keyword argument");
                positional.add(parseExpression());
            }
        }
        i++;
        return new Expr.Args(positional, names, named, star, starStar);
    }
}
