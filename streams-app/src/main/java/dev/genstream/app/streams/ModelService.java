package dev.genstream.app.streams;

import dev.genstream.engine.chat.ChatPrompter;
import dev.genstream.engine.generate.Scheduler;
import dev.genstream.engine.gguf.TensorSource;
import dev.genstream.engine.model.ContextSizeException;
import dev.genstream.engine.model.KvType;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.model.ModelConfig;
import dev.genstream.engine.model.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/** The model this instance serves: loaded once, shared by every stream task through one scheduler. */
public final class ModelService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelService.class.getName());
    private final Model model;
    private final Scheduler scheduler;
    private final String alias;
    private final String fingerprint;
    private final int contextSize;
    private final int maxTokensLimit;
    private final ChatPrompter chat;

    public ModelService(Path path, String alias, int threads, Scheduler.Limits limits, int maxTokensLimit) {
        this(path, alias, threads, limits, maxTokensLimit, null, KvType.F32);
    }

    /** @param chatTemplate a Jinja chat template replacing the model's own, or null to use the model's */
    public ModelService(Path path, String alias, int threads, Scheduler.Limits limits, int maxTokensLimit, String chatTemplate) {
        this(path, alias, threads, limits, maxTokensLimit, chatTemplate, KvType.F32);
    }

    /**
     * @param chatTemplate a Jinja chat template replacing the model's own, or null to use the model's
     * @param kvType       how the KV caches store keys and values
     */
    public ModelService(Path path, String alias, int threads, Scheduler.Limits limits, int maxTokensLimit, String chatTemplate, KvType kvType) {
        this.model = load(path, threads, limits.contextSize(), kvType);
        this.chat = ChatPrompter.forModel(model.file().metadata(), model.tokenizer(), chatTemplate).orElse(null);
        this.alias = alias;
        this.fingerprint = ModelFiles.fingerprint(model.file());
        this.contextSize = limits.contextSize();
        this.maxTokensLimit = maxTokensLimit;
        warmUp(model, limits);
        this.scheduler = new Scheduler(model, limits);
    }

    /**
     * The model for the configured context size: past the trained context a RoPE model runs with a warning (as
     * llama.cpp); a size the model cannot express is a startup error naming the setting.
     */
    private static Model load(Path path, int threads, int contextSize, KvType kvType) {
        Model m;
        try {
            m = Model.load(path, threads, contextSize, kvType);
        } catch (ContextSizeException e) {
            throw new IllegalArgumentException(GenstreamConfig.CONTEXT_SIZE + "=" + contextSize + ": " + e.getMessage(), e);
        }
        if (m.beyondTrainedContext()) {
            LOG.warning(GenstreamConfig.CONTEXT_SIZE + "=" + contextSize + " exceeds the " + m.config().contextLength()
                    + " tokens the model was trained on; its output past them may degrade");
        }
        return m;
    }

    /**
     * A few batched steps before serving, so the JIT has compiled the kernels before the first request's clock
     * starts (as llama.cpp runs a warm-up pass). Its caches are thrown away.
     */
    private static void warmUp(Model model, Scheduler.Limits limits) {
        var gen = new dev.genstream.engine.generate.Generator(model, model.tokenizer(), Math.min(limits.contextSize(), 64));
        int[] prompt = model.tokenizer().encode("warm up", true, false);
        if (prompt.length == 0) prompt = new int[] {0};
        var params = new dev.genstream.engine.generate.GenerationParams(dev.genstream.engine.sampling.SamplingParams.greedy(), 24, java.util.List.of());
        List<dev.genstream.engine.generate.Sequence> seqs = new java.util.ArrayList<>();
        List<java.util.function.Consumer<dev.genstream.engine.generate.TokenOutput>> none = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(4, limits.maxBatch()); i++) {
            seqs.add(gen.newSequence(prompt, params));
            none.add(t -> {});
        }
        gen.runBatch(seqs, none);
    }

    public static ModelService fromConfig(GenstreamConfig c) {
        Path path = Path.of(c.get(GenstreamConfig.MODEL_PATH, Path.of(System.getProperty("genstream.home", "."))
                .resolve("models/kjv-llama-6m.q8_0.gguf").toString()));
        String missing = ModelFiles.missing(path);
        if (missing != null) throw new IllegalArgumentException(missing);
        int threads = Integer.parseInt(c.get(GenstreamConfig.THREADS, Integer.toString(Runtime.getRuntime().availableProcessors())));
        try (TensorSource file = ModelFiles.open(path)) {
            int trained = ModelConfig.from(file).contextLength();
            int ctx = Integer.parseInt(c.get(GenstreamConfig.CONTEXT_SIZE, Integer.toString(Math.min(trained, 4096))));
            Scheduler.Limits limits = new Scheduler.Limits(c.getInt(GenstreamConfig.BATCH_SIZE), c.getInt(GenstreamConfig.STEP_TOKENS), ctx, c.prefixCacheBytes());
            return new ModelService(path, c.get(GenstreamConfig.MODEL_ALIAS), threads, limits, c.getInt(GenstreamConfig.MAX_TOKENS_LIMIT),
                    chatTemplate(c), kvType(c));
        }
    }

    private static KvType kvType(GenstreamConfig c) {
        try {
            return KvType.parse(c.get(GenstreamConfig.KV_TYPE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(GenstreamConfig.KV_TYPE + " must be f32 or f16, got '" + c.get(GenstreamConfig.KV_TYPE) + "'", e);
        }
    }

    private static String chatTemplate(GenstreamConfig c) {
        String file = c.get(GenstreamConfig.CHAT_TEMPLATE_FILE, null);
        if (file == null || file.isBlank()) return null;
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(GenstreamConfig.CHAT_TEMPLATE_FILE + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    public Model model() {
        return model;
    }

    /** Renders {@code messages} requests; null when the model has no chat template and none is configured. */
    public ChatPrompter chat() {
        return chat;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public String alias() {
        return alias;
    }

    /** SHA-256 of the model file, or of a checkpoint directory's files: which weights produced a completion. */
    public String fingerprint() {
        return fingerprint;
    }

    public int contextSize() {
        return contextSize;
    }

    public int maxTokensLimit() {
        return maxTokensLimit;
    }

    @Override
    public void close() {
        scheduler.close();
        model.close();
    }
}
