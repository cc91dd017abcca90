package io.github.vrft.cli;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.Backends;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import io.github.vrft.reward.ExtraReward;
import io.github.vrft.reward.MathVerifyGate;
import io.github.vrft.reward.Profile;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vrft score}: rewards and group advantages for a JSON Lines file of rollouts. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Scores rollouts: one JSON object per line with prompt_id, task, completion and solution; VLM-R1 lines "
                + "may add model (rec: qwen, internvl, glm, legacy-binary), reward_method (od: od_ap, od_ap50, "
                + "odLength, weighted_sum, map; accuracy: default, all_match, yes_no, mcq), image_size_wh and "
                + "image_grid_thw (the qwen resize), completion_tokens and format (fullmatch or ovd-legacy).",
            "Writes each line back with \"rewards\" (components, total, total_f32), \"advantage\" (over the lines "
                + "sharing its prompt_id) and \"diagnostics\" (why a component is 0). Without --input, scores an "
                + "embedded sample and prints a summary table. gzip and zstd files are read and written as such "
                + "(input by its first bytes, output by a .gz or .zst name).",
            "Exit status: 0 all lines scored; 1 some lines could not be read (reported on stderr); 2 usage."})
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "visual-rft",
            description = "visual-rft (faithful to Visual-RFT: tasks detection, classification, grounding), vlm-r1 "
                    + "(faithful to VLM-R1: tasks rec, od, accuracy) or strict (every task, upstream bugs fixed). "
                    + "Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--extra-rewards", paramLabel = "LIST", defaultValue = "",
            description = "VLM-R1 reward functions to add on rec, od and accuracy lines: repetition, length (the "
                    + "cosine length reward, component length_cosine; it reads completion_tokens, else counts words). "
                    + "Comma-separated; default none.")
    String extraRewards;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "JSON Lines rollouts, plain, gzip or zstd (recognised by their first bytes); - reads stdin. "
                    + "Default: the embedded sample.")
    String input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where scored lines go; - is stdout. "
            + "A name ending in .gz or .zst is written compressed (gzip; zstd level 3); stdout and devices plain. "
            + "Default: stdout with --input; with the sample, no lines (summary only).")
    String output;

    @Option(names = "--math-verify-gate", paramLabel = "MODE", defaultValue = "off",
            description = "off, or first-y1 to emulate math_verify by number extraction: Visual-RFT's pre-gate, or the "
                    + "first step of VLM-R1's default accuracy. Default: ${DEFAULT-VALUE}.")
    String gate;

    @Option(names = "--advantage", paramLabel = "FLAVOUR", defaultValue = "visual-rft",
            description = "Group advantage: visual-rft (Visual-RFT's float32 formula), trl-group, trl-batch, "
                    + "trl-none, verl, verl-no-std, verl-vectorized, openrlhf, openrlhf-dr-grpo. Default: ${DEFAULT-VALUE}.")
    String advantage;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Where the numeric phase (detection matching and rewards) runs: cpu, jcuda, panama or auto "
                    + "(a GPU from the measured crossover, else the CPU; never fails for want of a GPU). The output is "
                    + "the same on every backend. Default: ${DEFAULT-VALUE}.")
    String backendName;

    @Option(names = "--hold-memory", paramLabel = "SIZE",
            description = "Memory for scored lines that wait for the rest of their group (groups spread over the file); "
                    + "lines beyond it wait in a temporary file. A number of bytes with an optional k, M or G "
                    + "(MiB units). Default: an eighth of the JVM heap.")
    String holdMemory;

    @Option(names = "--no-progress", description = "No progress bar (it shows only when stderr is a terminal).")
    boolean noProgress;

    @Option(names = {"-q", "--quiet"}, description = "No summary table on stderr after scoring a file.")
    boolean quiet;

    static final String SAMPLE = "/io/github/vrft/sample/rollouts.jsonl";

    @Override
    public Integer call() throws IOException {
        RewardOptions options;
        AdvantageFlavor flavor;
        try {
            options = new RewardOptions(Profile.parse(profile), MathVerifyGate.parse(gate),
                    ExtraReward.parseList(extraRewards));
            flavor = AdvantageFlavor.parse(advantage);
        } catch (IllegalArgumentException e) {
            System.err.println("vrft score: " + e.getMessage());
            return 2;
        }
        long hold;
        try {
            hold = holdMemory == null ? JsonlScoring.defaultHoldBytes() : parseSize(holdMemory);
        } catch (IllegalArgumentException e) {
            System.err.println("vrft score: --hold-memory " + holdMemory + ": " + e.getMessage());
            return 2;
        }
        Backend backend = openBackend("score", backendName);
        if (backend == null) {
            return 2;
        }
        try (backend) {
            return score(options, flavor, backend, hold);
        }
    }

    /** The backend named by {@code --backend}, or null after saying on stderr why it cannot be opened. */
    static Backend openBackend(String command, String name) {
        try {
            return Backends.open(name);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("vrft " + command + ": --backend " + name + ": " + e.getMessage());
            return null;
        }
    }

    /** A size such as 512M, 2G, 65536 or 64k (binary units). */
    static long parseSize(String s) {
        String t = s.strip();
        long unit = 1;
        if (!t.isEmpty()) {
            char c = Character.toUpperCase(t.charAt(t.length() - 1));
            unit = c == 'K' ? 1L << 10 : c == 'M' ? 1L << 20 : c == 'G' ? 1L << 30 : 1;
            if (unit > 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a size such as 512M, 2G or 65536");
        }
        if (n < 0 || n > Long.MAX_VALUE / unit) {
            throw new IllegalArgumentException("expected a size between 0 and 2^63 bytes");
        }
        return n * unit;
    }

    private int score(RewardOptions options, AdvantageFlavor flavor, Backend backend, long hold) throws IOException {
        boolean sample = input == null;
        Path path;
        Path temp = null;
        boolean stream = sample || input.equals("-");
        if (!stream) {
            path = Path.of(input);
            if (Files.isDirectory(path)) {
                System.err.println("vrft score: --input " + input + ": is a directory");
                return 2;
            }
            if (!Files.isReadable(path)) {
                System.err.println("vrft score: --input " + input + ": no such readable file");
                return 2;
            }
            stream = !Files.isRegularFile(path); // a pipe or FIFO (<(...), /dev/stdin) can be read only once
        }
        if (stream) {
            // Two passes need a file: a stream is copied once, and the copy is removed however the run ends.
            temp = Files.createTempFile("vrft-score-", ".jsonl");
            ExitCleanup.register(temp);
            try (InputStream in = sample ? ScoreCommand.class.getResourceAsStream(SAMPLE)
                    : input.equals("-") ? System.in : Files.newInputStream(Path.of(input))) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            path = temp;
        } else {
            path = Path.of(input);
        }
        boolean terminal = System.console() != null && System.console().isTerminal();
        Progress progress = !noProgress && terminal ? new Progress(System.err, "scoring") : Progress.NONE;
        JsonlScoring scoring = new JsonlScoring(new RewardScorer(options), backend,
                r -> groupAdvantages(r, flavor), System.err, progress);
        JsonlScoring.Summary summary;
        String out = output != null ? output : (sample ? null : "-");
        OutputTarget target = null;
        try {
            target = out == null ? OutputTarget.discard() : OutputTarget.open(out);
            summary = scoring.run(path, target, hold);
            target.commit();
        } catch (HeldLines.TooScatteredException e) {
            System.err.println("vrft score: " + e.getMessage() + "; " + target.failureNote());
            return 1;
        } catch (Compression.InputException e) {
            System.err.println("vrft score: --input " + input + ": " + describe(e) + "; "
                    + (target != null ? target.failureNote() : "nothing was written"));
            return 1;
        } catch (IOException e) {
            String name = target != null ? target.name() : out;
            System.err.println("vrft score: " + name + ": " + describe(e) + "; "
                    + (target != null ? target.failureNote() : "nothing was written"));
            return 1;
        } finally {
            if (target != null) {
                target.close();
            }
            if (temp != null) {
                ExitCleanup.delete(temp);
            }
        }
        if (sample || !quiet) {
            PrintStream table = sample && (out == null || !out.equals("-")) ? System.out : System.err;
            printSummary(table, summary, options, sample);
            if (!sample) {
                table.println("backend: " + backend.describe());
            }
        }
        return summary.badLines() > 0 ? 1 : 0;
    }

    /** An I/O error in words: the message, or the exception's type where it has none. */
    static String describe(IOException e) {
        String m = e.getMessage();
        return e instanceof java.nio.file.NoSuchFileException ? "no such file or directory: " + m
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied: " + m
                : m != null ? m : e.getClass().getSimpleName();
    }

    /** The advantages of one group (one prompt_id) from its float32 totals. */
    static float[] groupAdvantages(float[] totals, AdvantageFlavor flavor) {
        return GroupAdvantages.compute(totals, Groups.contiguous(totals.length, totals.length), flavor);
    }

    static void printSummary(PrintStream p, JsonlScoring.Summary s, RewardOptions o, boolean sample) {
        p.printf(Locale.ROOT, "%s: %d lines, %d scored, %d bad, %d groups; profile %s, math_verify gate %s; %.1f ms"
                        + " (%,.0f lines/s)%n", sample ? "embedded sample" : "scored", s.lines(), s.scored(), s.badLines(),
                s.groups(), o.profile().id(), o.mathVerifyGate().id(), s.nanos() / 1e6,
                s.nanos() > 0 ? s.lines() / (s.nanos() / 1e9) : 0.0);
        p.println();
        p.printf(Locale.ROOT, "%-15s %-20s %7s %9s %13s%n", "task", "component", "lines", "mean", "zero+reason");
        for (Map.Entry<Task, JsonlScoring.TaskStats> e : s.byTask().entrySet()) {
            JsonlScoring.TaskStats t = e.getValue();
            for (int i = 0; i < t.names().size(); i++) {
                p.printf(Locale.ROOT, "%-15s %-20s %7d %9.4f %13d%n", i == 0 ? e.getKey().id() : "", t.names().get(i),
                        t.count(), t.mean(i), t.zeroWithReason(i));
            }
            p.printf(Locale.ROOT, "%-15s %-20s %7d %9.4f%n", "", "total", t.count(), t.meanTotal());
        }
    }
}
