package dev.genstream.engine.chat;

import dev.genstream.engine.chat.Token.Kind;

import java.util.List;

/** A cursor over a template's tokens, with the parsers' lookahead and error helpers. */
abstract class TokenStream {
    final String src;
    final List<Token> tokens;
    int i;

    TokenStream(String src, List<Token> tokens) {
        this.src = src;
        this.tokens = tokens;
    }

    Token peek() {
        return tokens.get(i);
    }

    Token peek(int ahead) {
        return tokens.get(Math.min(i + ahead, tokens.size() - 1));
    }

    Token next() {
        return tokens.get(i++);
    }

    Token expect(Kind kind, String what) {
        if (peek().kind() != kind) throw error("expected " + what);
        return next();
    }

    void expectOp(String op) {
        if (!peek().isOp(op)) throw error("expected '" + op + "'");
        i++;
    }

    void expectName(String name) {
        if (!peek().isName(name)) throw error("expected '" + name + "'");
        i++;
    }

    TemplateException error(String msg) {
        Token t = peek();
        String got = switch (t.kind()) {
            case EOF -> "end of template";
            case BLOCK_END, VAR_END -> "end of tag";
            case BLOCK_BEGIN, VAR_BEGIN -> "start of tag";
            case TEXT -> "text";
            default -> "'" + t.value() + "'";
        };
        return new TemplateException("template syntax error at " + Lexer.describe(src, t.pos()) + ": " + msg
                + " (got " + got + ")");
    }
}