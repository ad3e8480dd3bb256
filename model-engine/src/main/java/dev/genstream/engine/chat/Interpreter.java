package dev.genstream.engine.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Executes a parsed template: statements write marked text into the current output, expressions yield values. */
final class Interpreter {
    private static final class LoopBreak extends RuntimeException {
        LoopBreak() { super(null, null, false, false); }
    }

    private static final class LoopContinue extends RuntimeException {
        LoopContinue() { super(null, null, false, false); }
    }

    private static final LoopBreak BREAK = new LoopBreak();
    private static final LoopContinue CONTINUE = new LoopContinue();

    private final Deque<PyStr.Builder> outputs = new ArrayDeque<>();
    private int depth;

    /** Renders {@code nodes} with {@code globals} (already template values) as the outermost scope. */
    static PyStr render(List<Node> nodes, Map<String, Object> globals) {
        Scope root = new Scope(null);
        globals.forEach(root::set);
        Interpreter in = new Interpreter();
        return in.capture(nodes, new Scope(root));
    }

    private PyStr capture(List<Node> nodes, Scope scope) {
        if (++depth > 200) throw new TemplateException("maximum recursion depth exceeded");
        outputs.push(new PyStr.Builder());
        try {
            exec(nodes, scope);
            return outputs.peek().build();
        } finally {
            outputs.pop();
            depth--;
        }
    }

    // ---- statements ----

    private void exec(List<Node> nodes, Scope scope) {
        for (Node n : nodes) exec(n, scope);
    }

    private void exec(Node node, Scope scope) {
        switch (node) {
            case Node.Text t -> outputs.peek().append(t.text());
            case Node.Output o -> outputs.peek().append(Py.str(eval(o.expr(), scope)));
            case Node.If f -> {
                for (int i = 0; i < f.tests().size(); i++) {
                    if (Py.truthy(eval(f.tests().get(i), scope))) {
                        exec(f.bodies().get(i), scope);
                        return;
                    }
                }
                exec(f.otherwise(), scope);
            }
            case Node.For f -> forLoop(f, eval(f.iter(), scope), scope, 0);
            case Node.Set s -> assign(s.target(), eval(s.value(), scope), scope);
            case Node.SetBlock s -> {
                Object v = capture(s.body(), scope);
                for (Expr.Filter f : s.filters()) v = filter(f, v, scope);
                assign(s.target(), v, scope);
            }
            case Node.Macro m -> scope.set(m.name(), macro(m.params(), m.defaults(), m.body(), scope));
            case Node.CallBlock c -> {
                PyCallable caller = macro(c.params(), c.defaults(), c.body(), scope);
                Object target = eval(c.call().target(), scope);
                Map<String, Object> kw = new LinkedHashMap<>();
                List<Object> args = evalArgs(c.call().args(), scope, kw);
                kw.put("caller", caller);
                outputs.peek().append(Py.str(call(target, args, kw)));
            }
            case Node.FilterBlock f -> {
                Object v = capture(f.body(), scope);
                for (Expr.Filter x : f.filters()) v = filter(x, v, scope);
                outputs.peek().append(Py.str(v));
            }
            case Node.Do d -> eval(d.expr(), scope);
            case Node.Break b -> throw BREAK;
            case Node.Continue c -> throw CONTINUE;
        }
    }

    private void forLoop(Node.For f, Object iterable, Scope scope, int depth0) {
        List<Object> items = Py.iterate(iterable);
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope s = new Scope(scope);
                assign(f.target(), item, s);
                if (Py.truthy(eval(f.filter(), s))) kept.add(item);
            }
            items = kept;
        }
        if (items.isEmpty()) {
            exec(f.otherwise(), scope);
            return;
        }
        PyCallable recurse = f.recursive() ? (a, kw) -> {
            outputs.push(new PyStr.Builder());
            try {
                forLoop(f, a.getFirst(), scope, depth0 + 1);
                return outputs.peek().build();
            } finally {
                outputs.pop();
            }
        } : null;
        Loop loop = new Loop(items, depth0, recurse);
        for (int i = 0; i < items.size(); i++) {
            loop.index0 = i;
            Scope s = new Scope(scope);
            assign(f.target(), items.get(i), s);
            s.set("loop", loop);
            try {
                exec(f.body(), s);
            } catch (LoopBreak b) {
                break;
            } catch (LoopContinue c) {
                // next item
            }
        }
    }

    private void assign(Expr target, Object value, Scope scope) {
        switch (target) {
            case Expr.Name n -> scope.set(n.name(), value);
            case Expr.Attr a -> {
                Object obj = eval(a.target(), scope);
                if (!(obj instanceof Namespace ns)) {
                    throw new TemplateException("cannot assign attribute on non-namespace object");
                }
                ns.attrs.put(PyStr.of(a.name()), value);
            }
            case Expr.TupleExpr t -> {
                List<Object> values = Py.iterate(value);
                if (values.size() != t.items().size()) {
                    throw Py.typeError((values.size() > t.items().size() ? "too many" : "not enough")
                            + " values to unpack (expected " + t.items().size() + ", got " + values.size() + ")");
                }
                for (int i = 0; i < values.size(); i++) assign(t.items().get(i), values.get(i), scope);
            }
            default -> throw new TemplateException("cannot assign to " + target);
        }
    }

    private PyCallable macro(List<String> params, List<Expr> defaults, List<Node> body, Scope defining) {
        return (args, kwargs) -> {
            Scope s = new Scope(defining);
            int firstDefault = params.size() - defaults.size();
            Map<String, Object> kw = new LinkedHashMap<>(kwargs);
            for (int i = 0; i < params.size(); i++) {
                String p = params.get(i);
                Object v;
                if (i < args.size()) v = args.get(i);
                else if (kw.containsKey(p)) v = kw.get(p);
                else if (i >= firstDefault) v = eval(defaults.get(i - firstDefault), s);
                else v = Undefined.name(p);
                kw.remove(p);
                s.set(p, v);
            }
            s.set("varargs", args.size() > params.size() ? Tuple.of(args.subList(params.size(), args.size())) : new Tuple());
            if (kw.containsKey("caller")) s.set("caller", kw.remove("caller"));
            Map<Object, Object> rest = new LinkedHashMap<>();
            kw.forEach((k, v) -> rest.put(PyStr.of(k), v));
            s.set("kwargs", rest);
            return capture(body, s);
        };
    }

    // ---- expressions ----

    Object eval(Expr e, Scope scope) {
        return switch (e) {
            case Expr.Literal l -> l.value();
            case Expr.Name n -> scope.get(n.name());
            case Expr.ListExpr l -> evalAll(l.items(), scope);
            case Expr.TupleExpr t -> Tuple.of(evalAll(t.items(), scope));
            case Expr.DictExpr d -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) m.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
                yield m;
            }
            case Expr.Attr a -> Access.attr(eval(a.target(), scope), a.name());
            case Expr.Item it -> {
                Object target = eval(it.target(), scope);
                if (it.index() instanceof Expr.Slice s) {
                    yield Access.slice(target, optional(s.start(), scope), optional(s.stop(), scope),
                            optional(s.step(), scope));
                }
                yield Access.item(target, eval(it.index(), scope));
            }
            case Expr.Slice s -> throw new TemplateException("slice outside a subscript");
            case Expr.Call c -> {
                Object target = eval(c.target(), scope);
                Map<String, Object> kw = new LinkedHashMap<>();
                List<Object> args = evalArgs(c.args(), scope, kw);
                yield call(target, args, kw);
            }
            case Expr.Filter f -> filter(f, eval(f.target(), scope), scope);
            case Expr.Test t -> {
                Object v = eval(t.target(), scope);
                Map<String, Object> kw = new LinkedHashMap<>();
                boolean r = Tests.apply(t.name(), v, evalArgs(t.args(), scope, kw));
                yield r != t.negated();
            }
            case Expr.Unary u -> {
                Object v = eval(u.operand(), scope);
                if (v instanceof Undefined x) throw x.fail();
                if (!Py.isNumber(v)) throw Py.typeError("bad operand type for unary " + u.op() + ": '" + Py.typeName(v) + "'");
                if (u.op().equals("+")) yield v instanceof Boolean ? Py.toLong(v) : v;
                yield v instanceof Double d ? (Object) (-d) : (Object) (-Py.toLong(v));
            }
            case Expr.Binary b -> {
                Object l = eval(b.left(), scope), r = eval(b.right(), scope);
                yield b.op().equals("~") ? Py.str(l).concat(Py.str(r)) : Ops.binary(b.op(), l, r);
            }
            case Expr.Compare c -> compare(c, scope);
            case Expr.And a -> {
                Object l = eval(a.left(), scope);
                yield Py.truthy(l) ? eval(a.right(), scope) : l;
            }
            case Expr.Or o -> {
                Object l = eval(o.left(), scope);
                yield Py.truthy(l) ? l : eval(o.right(), scope);
            }
            case Expr.Not n -> !Py.truthy(eval(n.operand(), scope));
            case Expr.Cond c -> Py.truthy(eval(c.test(), scope)) ? eval(c.then(), scope)
                    : c.otherwise() == null ? new Undefined("the inline if-expression evaluated to false and no else section was defined") : eval(c.otherwise(), scope);
        };
    }

    private Object optional(Expr e, Scope scope) {
        if (e == null) return null;
        Object v = eval(e, scope);
        if (v instanceof Undefined u) throw u.fail();
        return v;
    }

    private List<Object> evalAll(List<Expr> items, Scope scope) {
        List<Object> out = new ArrayList<>(items.size());
        for (Expr x : items) out.add(eval(x, scope));
        return out;
    }

    private Object compare(Expr.Compare c, Scope scope) {
        Object left = eval(c.first(), scope);
        for (int i = 0; i < c.ops().size(); i++) {
            Object right = eval(c.rest().get(i), scope);
            String op = c.ops().get(i);
            boolean ok = switch (op) {
                case "==" -> Ops.eq(left, right);
                case "!=" -> !Ops.eq(left, right);
                case "in" -> Ops.contains(right, left);
                case "not in" -> !Ops.contains(right, left);
                case "<" -> Ops.compare(left, right, op) < 0;
                case "<=" -> Ops.compare(left, right, op) <= 0;
                case ">" -> Ops.compare(left, right, op) > 0;
                default -> Ops.compare(left, right, op) >= 0;
            };
            if (!ok) return false;
            left = right;
        }
        return true;
    }

    private List<Object> evalArgs(Expr.Args args, Scope scope, Map<String, Object> kw) {
        List<Object> out = evalAll(args.positional(), scope);
        if (args.star() != null) out.addAll(Py.iterate(eval(args.star(), scope)));
        for (int i = 0; i < args.names().size(); i++) kw.put(args.names().get(i), eval(args.named().get(i), scope));
        if (args.starStar() != null) {
            Object m = eval(args.starStar(), scope);
            if (!(m instanceof Map<?, ?> map)) throw Py.typeError("argument after ** must be a mapping");
            map.forEach((k, v) -> kw.put(Py.str(k).text, v));
        }
        return out;
    }

    private Object filter(Expr.Filter f, Object value, Scope scope) {
        Map<String, Object> kw = new LinkedHashMap<>();
        List<Object> args = evalArgs(f.args(), scope, kw);
        return Filters.apply(f.name(), value, args, kw);
    }

    private static Object call(Object target, List<Object> args, Map<String, Object> kw) {
        if (target instanceof Undefined u) throw u.fail();
        if (target instanceof Loop loop && loop.recurse != null) return loop.recurse.call(args, kw);
        if (!(target instanceof PyCallable c)) throw Py.typeError("'" + Py.typeName(target) + "' object is not callable");
        return c.call(args, kw);
    }
}
