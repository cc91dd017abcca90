package io.github.vrft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.grpo.LogitsLogProbs;
import io.github.vrft.grpo.LossOptions;
import io.github.vrft.grpo.LossResult;
import io.github.vrft.grpo.OpenRlhfLossOptions;
import io.github.vrft.grpo.PolicyLoss;
import io.github.vrft.grpo.TokenBatch;
import io.github.vrft.grpo.TrlLossOptions;
import io.github.vrft.grpo.VerlLossOptions;

import java.util.Map;

/**
 * The {@code vrft grpo} document: {@code impl} (trl | verl | openrlhf), {@code config} and {@code inputs}
 * shaped as in {@code golden/grpo_cases.json}; the result is {@code {"advantages": [...], "outputs": {...}}}
 * with that file's keys. Config keys are the golden file's ({@code eps_low}, {@code agg}, {@code kl_type},
 * ...); the upstream names ({@code epsilon}, {@code loss_agg_mode}, {@code kl_loss_type}, ...) are accepted
 * too. Non-finite numbers may be written as the strings "NaN", "Infinity", "-Infinity".
 */
public final class GrpoDocument {
    private GrpoDocument() {}

    /**
     * A parsed document: what to compute and with which options; {@code logits} is null unless the document gives
     * logits (the batch's logp are then computed from them).
     */
    public record Parsed(LossOptions options, TokenBatch batch, double[] rewards, int[] groupIds,
                         AdvantageFlavor flavor, Logits logits) {}

    /**
     * A document's logits input: [B·T, V] row-major, the chosen tokens, τ, and the forward's results.
     *
     * @param vocab V
     */
    public record Logits(float[] values, int[] tokens, boolean[] mask, int vocab, float temperature,
                         LogitsLogProbs.Forward forward) {
        /** ∂L/∂logits from ∂L/∂logp. */
        public float[] gradient(float[] gradLogp) {
            return LogitsLogProbs.backward(values, tokens, mask, vocab, temperature, forward, gradLogp);
        }
    }

    /**
     * @param flavorOverride the advantage flavour to use, or null for the document's
     *                       {@code advantage_flavor_used} or the impl's default
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    public static Parsed parse(JsonNode doc, AdvantageFlavor flavorOverride) {
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("document must be a JSON object with impl, config and inputs");
        }
        String impl = text(doc, "impl");
        JsonNode cfg = doc.path("config");
        JsonNode in = doc.get("inputs");
        if (in == null || !in.isObject()) {
            throw new IllegalArgumentException("inputs: missing or not an object");
        }
        LossOptions options = switch (impl) {
            case "trl" -> trl(cfg);
            case "verl" -> verl(cfg);
            case "openrlhf" -> openrlhf(cfg);
            default -> throw new IllegalArgumentException("impl: unknown value '" + impl + "'; expected trl, verl or openrlhf");
        };
        boolean fromLogits = in.hasNonNull("logits");
        float[][] mask = matrix(in, "mask", true);
        int rows = mask.length;
        int cols = rows == 0 ? 0 : mask[0].length;
        boolean[] m = new boolean[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int t = 0; t < cols; t++) {
                m[i * cols + t] = mask[i][t] != 0;
            }
        }
        Logits logits = fromLogits ? logits(in, m, rows, cols) : null;
        float[][] logp = fromLogits ? null : sameShape(matrix(in, "logp", true), "logp", rows, cols);
        float[][] old = sameShape(matrix(in, "old_logp", false), "old_logp", rows, cols);
        float[][] ref = sameShape(matrix(in, "ref_logp", false), "ref_logp", rows, cols);
        double[] rewards = in.has("rewards") ? vector(in.get("rewards"), "rewards") : null;
        int[] groupIds = null;
        if (in.has("group_ids")) {
            JsonNode g = in.get("group_ids");
            if (!g.isArray()) {
                throw new IllegalArgumentException("inputs.group_ids: expected an array of integers");
            }
            groupIds = new int[g.size()];
            for (int i = 0; i < g.size(); i++) {
                groupIds[i] = integer(g.get(i), "inputs.group_ids[" + i + "]");
            }
        }
        AdvantageFlavor flavor = flavorOverride;
        if (flavor == null) {
            flavor = doc.hasNonNull("advantage_flavor_used") ? AdvantageFlavor.parse(doc.get("advantage_flavor_used").asText())
                    : switch (impl) {
                        case "trl" -> AdvantageFlavor.TRL_GROUP;
                        case "verl" -> AdvantageFlavor.VERL;
                        default -> AdvantageFlavor.OPENRLHF;
                    };
        }
        float[] adv;
        if (in.has("advantages")) {
            adv = toFloat(vector(in.get("advantages"), "advantages"));
        } else if (rewards != null && groupIds != null) {
            adv = toFloat(GroupAdvantages.compute(rewards, Groups.ofIds(groupIds), flavor));
        } else {
            throw new IllegalArgumentException("inputs: give advantages, or rewards and group_ids to compute them");
        }
        TokenBatch.Builder b = TokenBatch.builder(rows, cols).logp(fromLogits ? logits.forward().logp() : flat(logp))
                .mask(m).advantages(adv);
        if (old != null) {
            b.oldLogp(flat(old));
        }
        if (ref != null) {
            b.refLogp(flat(ref));
        }
        if (in.has("is_weights")) {
            JsonNode w = in.get("is_weights");
            b.isWeights(w.size() > 0 && w.get(0).isArray() ? flat(matrix(in, "is_weights", true)) : toFloat(vector(w, "is_weights")));
        }
        return new Parsed(options, b.build(), rewards, groupIds, flavor, logits);
    }

    /** Computes the document's advantages and loss and returns the result document. */
    public static ObjectNode run(JsonNode doc, AdvantageFlavor flavorOverride, ObjectMapper json) {
        Parsed p = parse(doc, flavorOverride);
        ObjectNode out = json.createObjectNode();
        ArrayNode adv = out.putArray("advantages");
        if (p.rewards() != null && p.groupIds() != null) {
            for (double a : GroupAdvantages.compute(p.rewards(), Groups.ofIds(p.groupIds()), p.flavor())) {
                adv.add(a);
            }
        } else {
            for (float a : p.batch().advantages()) {
                adv.add(a);
            }
        }
        LossResult r = PolicyLoss.compute(p.batch(), p.options());
        ObjectNode o = out.putObject("outputs");
        putMatrix(o.putArray("per_token_loss"), r.perTokenLoss(), p.batch());
        o.put("loss", r.loss());
        putMatrix(o.putArray("grad_logp"), r.gradLogp(), p.batch());
        float[] kl = r.perTokenKl(); // a copy: taken once
        if (kl != null) {
            putMatrix(o.putArray("per_token_kl"), kl, p.batch());
        }
        if (p.logits() != null) {
            float[] g = p.logits().gradient(r.gradLogp());
            ArrayNode rows = o.putArray("grad_logits");
            int cols = p.batch().cols();
            int vocab = p.logits().vocab();
            for (int i = 0; i < p.batch().rows(); i++) {
                ArrayNode row = rows.addArray();
                for (int t = 0; t < cols; t++) {
                    ArrayNode token = row.addArray();
                    for (int v = 0, at = (i * cols + t) * vocab; v < vocab; v++) {
                        token.add(g[at + v]);
                    }
                }
            }
        }
        ObjectNode metrics = o.putObject("metrics");
        for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
            metrics.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static void putMatrix(ArrayNode a, float[] v, TokenBatch b) {
        for (int i = 0; i < b.rows(); i++) {
            ArrayNode row = a.addArray();
            for (int t = 0; t < b.cols(); t++) {
                row.add(v[i * b.cols() + t]);
            }
        }
    }

    private static TrlLossOptions trl(JsonNode c) {
        TrlLossOptions.Builder b = TrlLossOptions.builder();
        String lt = str(c, "dapo", "loss_type");
        b.lossType(TrlLossOptions.LossType.parse(lt));
        b.epsilon(num(c, 0.2, "eps_low", "epsilon"));
        b.epsilonHigh(optNum(c, "eps_high", "epsilon_high"));
        b.delta(optNum(c, "delta"));
        b.beta(num(c, 0.0, "beta"));
        b.importanceSamplingLevel(TrlLossOptions.ImportanceSamplingLevel.parse(str(c, "token", "is_level", "importance_sampling_level")));
        Integer mcl = optInt(c, "max_completion_length");
        if (mcl != null) {
            b.maxCompletionLength(mcl);
        }
        b.numItemsInBatch(optNum(c, "num_items_in_batch"));
        b.numProcesses(intOr(c, 1, "num_processes"));
        b.gradientAccumulationSteps(intOr(c, 1, "grad_accum", "gradient_accumulation_steps"));
        b.useBiasCorrectionKl(c.path("use_bias_correction_kl").asBoolean(false));
        b.sapoTemperaturePos(num(c, 1.0, "sapo_temp_pos", "sapo_temperature_pos"));
        b.sapoTemperatureNeg(num(c, 1.05, "sapo_temp_neg", "sapo_temperature_neg"));
        b.vespo(num(c, 2, "vespo_k_pos"), num(c, 3, "vespo_lambda_pos"), num(c, 3, "vespo_k_neg"), num(c, 2, "vespo_lambda_neg"));
        return b.build();
    }

    private static VerlLossOptions verl(JsonNode c) {
        if (c.has("dual_clip") && !c.get("dual_clip").asBoolean(true)) {
            throw new IllegalArgumentException("dual_clip: verl always dual-clips negative advantages; use impl openrlhf for PPO without it");
        }
        VerlLossOptions.Builder b = VerlLossOptions.builder();
        b.policyLoss(VerlLossOptions.PolicyLoss.parse(str(c, "vanilla", "policy_loss", "loss_mode")));
        b.lossAggMode(VerlLossOptions.LossAggMode.parse(str(c, "token-mean", "agg", "loss_agg_mode")));
        b.clipRatioLow(num(c, 0.2, "clip_low", "clip_ratio_low"));
        b.clipRatioHigh(num(c, 0.2, "clip_high", "clip_ratio_high"));
        b.clipRatioC(num(c, 3.0, "clip_c", "clip_ratio_c"));
        String kl = str(c, null, "kl_type", "kl_loss_type");
        if (kl != null) {
            b.useKlLoss(true).klLossType(VerlLossOptions.KlLossType.parse(kl));
        }
        b.klLossCoef(num(c, 0.001, "kl_coef", "kl_loss_coef"));
        b.lossScaleFactor(optNum(c, "loss_scale_factor"));
        b.tauPos(num(c, 1.0, "tau_pos"));
        b.tauNeg(num(c, 1.05, "tau_neg"));
        b.dpSize(intOr(c, 1, "dp_size"));
        b.batchNumTokens(optNum(c, "batch_num_tokens"));
        b.globalBatchSize(optNum(c, "global_batch_size"));
        return b.build();
    }

    private static OpenRlhfLossOptions openrlhf(JsonNode c) {
        OpenRlhfLossOptions.Builder b = OpenRlhfLossOptions.builder();
        b.policyLossType(OpenRlhfLossOptions.PolicyLossType.parse(str(c, "ppo", "policy_loss", "policy_loss_type")));
        String agg = str(c, null, "agg", "loss_agg_mode");
        if (agg != null) {
            VerlLossOptions.LossAggMode mode = VerlLossOptions.LossAggMode.parse(agg);
            if (mode != VerlLossOptions.LossAggMode.TOKEN_MEAN && mode != VerlLossOptions.LossAggMode.SEQ_MEAN_TOKEN_MEAN) {
                throw new IllegalArgumentException("agg: OpenRLHF aggregates token-mean or seq-mean-token-mean, got " + agg);
            }
            b.tokenLevelLoss(mode == VerlLossOptions.LossAggMode.TOKEN_MEAN);
        }
        b.epsClip(num(c, 0.2, "clip_low", "eps_clip"), num(c, num(c, 0.2, "clip_low", "eps_clip"), "clip_high"));
        if (c.path("dual_clip").isBoolean()) {
            b.dualClip(c.get("dual_clip").asBoolean() ? num(c, 3.0, "clip_c") : null);
        } else {
            b.dualClip(optNum(c, "dual_clip"));
        }
        String kl = str(c, null, "kl_type", "kl_estimator");
        if (kl != null) {
            b.useKlLoss(true).klEstimator(OpenRlhfLossOptions.KlEstimator.parse(kl));
        }
        b.klCoef(num(c, 0.01, "kl_coef", "init_coef"));
        b.dpSize(intOr(c, 1, "dp_size"));
        b.batchNumTokens(optNum(c, "batch_num_tokens"));
        b.globalBatchSize(optNum(c, "global_batch_size"));
        return b.build();
    }

    private static String text(JsonNode doc, String field) {
        JsonNode v = doc.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + ": missing or not a string");
        }
        return v.asText();
    }

    private static String str(JsonNode c, String dflt, String... keys) {
        for (String k : keys) {
            JsonNode v = c.get(k);
            if (v != null && !v.isNull()) {
                return v.asText();
            }
        }
        return dflt;
    }

    private static Double optNum(JsonNode c, String... keys) {
        for (String k : keys) {
            JsonNode v = c.get(k);
            if (v != null && !v.isNull()) {
                return number(v, "config." + k);
            }
        }
        return null;
    }

    private static Integer optInt(JsonNode c, String... keys) {
        for (String k : keys) {
            JsonNode v = c.get(k);
            if (v != null && !v.isNull()) {
                return integer(v, "config." + k);
            }
        }
        return null;
    }

    private static int intOr(JsonNode c, int dflt, String... keys) {
        Integer v = optInt(c, keys);
        return v == null ? dflt : v;
    }

    /**
     * A JSON integer that fits an int: {@code 3} or {@code 3.0}, not {@code 1.9}, {@code 1e10}, a string or a
     * boolean (which would otherwise be truncated or turned into 0 without a word).
     */
    static int integer(JsonNode v, String what) {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isFloatingPointNumber()) {
            double d = v.doubleValue();
            if (d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw new IllegalArgumentException(what + ": expected an integer in the int range, got " + v);
    }

    private static double num(JsonNode c, double dflt, String... keys) {
        Double v = optNum(c, keys);
        return v == null ? dflt : v;
    }

    /**
     * A JSON number, or one of the strings "NaN", "Infinity", "-Infinity" (how the documents and the golden
     * files write non-finite values).
     *
     * @throws IllegalArgumentException naming {@code what} for anything else
     */
    public static double number(JsonNode v, String what) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? 1 : 0;
        }
        if (v.isTextual()) {
            switch (v.asText()) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> { }
            }
        }
        throw new IllegalArgumentException(what + ": expected a number, got " + v);
    }

    private static double[] vector(JsonNode a, String what) {
        if (!a.isArray()) {
            throw new IllegalArgumentException("inputs." + what + ": expected an array");
        }
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = number(a.get(i), "inputs." + what + "[" + i + "]");
        }
        return v;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /**
     * {@code inputs.logits} [B][T][V], {@code inputs.tokens} [B][T] (read where the mask is set) and
     * {@code inputs.temperature} (default 1), with the forward computed.
     */
    private static Logits logits(JsonNode in, boolean[] mask, int rows, int cols) {
        JsonNode l = in.get("logits");
        JsonNode tk = in.get("tokens");
        if (!l.isArray() || l.size() != rows) {
            throw new IllegalArgumentException("inputs.logits: expected B = " + rows + " rows of T x V numbers");
        }
        if (tk == null || !tk.isArray() || tk.size() != rows) {
            throw new IllegalArgumentException("inputs.tokens: expected B = " + rows + " rows of T token ids (with logits)");
        }
        int vocab = rows == 0 || cols == 0 ? 0 : l.get(0).path(0).size();
        if (rows > 0 && cols > 0 && vocab == 0) {
            throw new IllegalArgumentException("inputs.logits[0][0]: expected V numbers");
        }
        float[] values = new float[rows * cols * vocab];
        int[] tokens = new int[rows * cols];
        for (int i = 0; i < rows; i++) {
            if (!l.get(i).isArray() || l.get(i).size() != cols || !tk.get(i).isArray() || tk.get(i).size() != cols) {
                throw new IllegalArgumentException("inputs.logits[" + i + "] / inputs.tokens[" + i + "]: expected T = "
                        + cols + " positions, as the mask has");
            }
            for (int t = 0; t < cols; t++) {
                JsonNode row = l.get(i).get(t);
                if (!row.isArray() || row.size() != vocab) {
                    throw new IllegalArgumentException("inputs.logits[" + i + "][" + t + "]: expected V = " + vocab + " numbers");
                }
                for (int v = 0; v < vocab; v++) {
                    values[(i * cols + t) * vocab + v] = (float) number(row.get(v), "inputs.logits[" + i + "][" + t + "][" + v + "]");
                }
                tokens[i * cols + t] = integer(tk.get(i).get(t), "inputs.tokens[" + i + "][" + t + "]");
            }
        }
        float temperature = in.hasNonNull("temperature") ? (float) number(in.get("temperature"), "inputs.temperature") : 1f;
        if (vocab == 0) {
            return new Logits(values, tokens, mask, 1, temperature, new LogitsLogProbs.Forward(new float[0], new double[0]));
        }
        try {
            return new Logits(values, tokens, mask, vocab, temperature,
                    LogitsLogProbs.forward(values, tokens, mask, vocab, temperature));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("inputs." + e.getMessage(), e);
        }
    }

    private static float[][] matrix(JsonNode in, String what, boolean required) {
        JsonNode a = in.get(what);
        if (a == null || a.isNull()) {
            if (required) {
                throw new IllegalArgumentException("inputs." + what + ": missing (expected B x T)");
            }
            return null;
        }
        if (!a.isArray()) {
            throw new IllegalArgumentException("inputs." + what + ": expected an array of B rows");
        }
        float[][] m = new float[a.size()][];
        for (int i = 0; i < m.length; i++) {
            JsonNode row = a.get(i);
            if (!row.isArray() || (i > 0 && row.size() != m[0].length)) {
                throw new IllegalArgumentException("inputs." + what + "[" + i + "]: expected a row of "
                        + (i > 0 ? m[0].length : "T") + " numbers");
            }
            m[i] = new float[row.size()];
            for (int t = 0; t < row.size(); t++) {
                m[i][t] = (float) number(row.get(t), "inputs." + what + "[" + i + "][" + t + "]");
            }
        }
        return m;
    }

    /** {@code m}, when it is null or {@code rows × cols} like logp; else the error naming it (a fuzzing finding). */
    private static float[][] sameShape(float[][] m, String what, int rows, int cols) {
        if (m != null && (m.length != rows || (rows > 0 && m[0].length != cols))) {
            throw new IllegalArgumentException("inputs." + what + ": " + m.length + " x " + (m.length == 0 ? 0 : m[0].length)
                    + ", expected logp's " + rows + " x " + cols);
        }
        return m;
    }

    private static float[] flat(float[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        float[] f = new float[m.length * cols];
        for (int i = 0; i < m.length; i++) {
            if (m[i].length != cols) {
                throw new IllegalArgumentException("inputs: rows of different lengths (" + m[i].length + " vs " + cols + ")");
            }
            System.arraycopy(m[i], 0, f, i * cols, cols);
        }
        return f;
    }
}
