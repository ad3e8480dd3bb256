package dev.genstream.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genstream.engine.model.KvCache;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.Transformer;
import dev.genstream.engine.testing.BundledModel;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The prefix cache's bookkeeping: longest match, prefix subsumption, byte accounting and LRU eviction. */
class PrefixCacheTest {
    static Model model;
    static long perToken;

    @BeforeAll
    static void load() {
        model = Model.load(BundledModel.path(), 1);
        perToken = model.transformer().newCache(1).bytesPerPosition() + Integer.BYTES;
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Tokens first, first+1, ..., prefilled into a cache of their own. */
    static int[] run(int first, int n) {
        return IntStream.range(first, first + n).toArray();
    }

    static KvCache prefilled(int[] tokens) {
        Transformer tf = model.transformer();
        KvCache kv = tf.newCache(64);
        tf.forward(List.of(new Transformer.Step(kv, tokens)));
        return kv;
    }

    static int restore(PrefixCache c, int[] tokens, int limit) {
        return c.restore(tokens, limit, model.transformer().newCache(64));
    }

    @Test
    void theLongestSharedRunIsRestoredUpToTheLimit() {
        PrefixCache c = new PrefixCache(1 << 20);
        int[] a = run(10, 12), b = run(10, 5);
        c.store(a, prefilled(a));
        int[] other = {10, 11, 12, 13, 14, 15, 99, 98};
        KvCache into = model.transformer().newCache(64);
        assertThat(c.restore(other, other.length - 1, into)).isEqualTo(6); // shares a leading run, not wholly a prefix
        assertThat(into.length()).isEqualTo(6);
        assertThat(restore(c, a, a.length - 1)).isEqualTo(11);
        assertThat(restore(c, b, 3)).isEqualTo(3);
        assertThat(restore(c, run(11, 8), 7)).isZero();
        assertThat(c.stats()).isEqualTo(new PrefixCache.Stats(1, 12 * perToken, 1 << 20, 4, 3, 20, 0));
    }

    @Test
    void anEntryServesItsPrefixesSoTheyAreNotKeptTwice() {
        PrefixCache c = new PrefixCache(1 << 20);
        int[] shortRun = run(20, 4), longRun = run(20, 9);
        c.store(shortRun, prefilled(longRun)); // the first 4 positions of a longer cache
        assertThat(c.stats().bytes()).isEqualTo(4 * perToken);
        c.store(longRun, prefilled(longRun));
        assertThat(c.stats().entries()).isEqualTo(1);
        assertThat(c.stats().bytes()).isEqualTo(9 * perToken);
        c.store(shortRun, prefilled(shortRun));
        assertThat(c.stats().entries()).isEqualTo(1);
        assertThat(c.stats().bytes()).isEqualTo(9 * perToken);
        assertThat(c.stats().evictions()).isZero();
    }

    @Test
    void theLeastRecentlyUsedEntriesGoWhenTheBudgetIsExceeded() {
        PrefixCache c = new PrefixCache(25 * perToken);
        int[] a = run(100, 10), b = run(200, 10), d = run(300, 10), e = run(400, 10);
        c.store(a, prefilled(a));
        c.store(b, prefilled(b));
        assertThat(c.stats().bytes()).isEqualTo(20 * perToken);
        c.store(d, prefilled(d)); // 30 > 25: a, the oldest, goes
        assertThat(c.stats().entries()).isEqualTo(2);
        assertThat(c.stats().bytes()).isEqualTo(20 * perToken);
        assertThat(restore(c, a, 9)).isZero();
        assertThat(restore(c, b, 9)).isEqualTo(9); // b is now the most recently used
        c.store(e, prefilled(e)); // so d goes
        assertThat(restore(c, d, 9)).isZero();
        assertThat(restore(c, b, 9)).isEqualTo(9);
        assertThat(restore(c, e, 9)).isEqualTo(9);
        assertThat(c.stats().evictions()).isEqualTo(2);
        assertThat(c.stats().bytes()).isEqualTo(20 * perToken).isLessThanOrEqualTo(c.stats().budget());
    }

    @Test
    void anEntryLargerThanTheBudgetIsNotKept() {
        PrefixCache c = new PrefixCache(5 * perToken);
        int[] a = run(1, 4), big = run(50, 6);
        c.store(a, prefilled(a));
        c.store(big, prefilled(big));
        assertThat(c.stats().entries()).isEqualTo(1);
        assertThat(restore(c, a, 4)).isEqualTo(4);
        assertThat(restore(c, big, 6)).isZero();
        assertThatThrownBy(() -> new PrefixCache(0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> c.store(run(1, 30), prefilled(a))).hasMessageContaining("holds 4 of 30");
    }
}
