package io.github.vrft.cli;

import io.github.vrft.backend.Backend;
import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.reward.ExtraReward;
import io.github.vrft.reward.MathVerifyGate;
import io.github.vrft.reward.Profile;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import io.helidon.webserver.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code vrft serve}: the reward service for Python trainers (see {@link RewardService}). */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Serves rewards over HTTP: POST /get_reward is OpenRLHF's remote reward protocol ({\"query\": [...], "
                + "\"prompts\": [...], \"labels\": [...]} -> {\"rewards\", \"scores\", \"extra_logs\"}); POST /score takes vrft score "
                + "lines (JSON Lines or a JSON array) and answers them scored; GET /healthz, /readyz and /info. Runs until SIGINT or SIGTERM, then finishes the requests in flight.",
            "Exit status: 0 after a shutdown; 2 usage (a bad option, a port in use)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8000", description = "Port (0: any free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "visual-rft",
            description = "visual-rft, vlm-r1 or strict, as for vrft score. Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--task", paramLabel = "TASK",
            description = "The task of an item whose label is a plain solution string (detection, classification, "
                    + "grounding, rec, od, accuracy). Without it, labels must be objects with task and solution.")
    String task;

    @Option(names = "--advantage", paramLabel = "FLAVOUR", defaultValue = "visual-rft",
            description = "The group advantage of POST /score, as for vrft score. Default: ${DEFAULT-VALUE}.")
    String advantage;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "cpu, jcuda, panama or auto, as for vrft score. Default: ${DEFAULT-VALUE}.")
    String backendName;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "64M",
            description = "Largest request body (k, M, G binary units); a larger one is answered 413. Default: ${DEFAULT-VALUE}.")
    String maxBody;

    @Option(names = "--max-items", paramLabel = "N", defaultValue = "262144",
            description = "Most completions (or lines) a request may carry; more is answered 413. Default: ${DEFAULT-VALUE}.")
    int maxItems;

    @Option(names = "--threads", paramLabel = "N",
            description = "Scoring requests worked on at once. Default: one per core.")
    Integer threads;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "64",
            description = "Scoring requests that may wait for their turn; beyond, 503 with Retry-After. Default: ${DEFAULT-VALUE}.")
    int queue;

    @Option(names = "--idle-timeout", paramLabel = "TIME", defaultValue = "30s",
            description = "A connection is closed when it has sent no request for this long, or has not finished "
                    + "sending a request's headers or body within it (ms, s or m). Default: ${DEFAULT-VALUE}.")
    String idleTimeout;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding a bearer token: requests without \"Authorization: Bearer <token>\" get 401.")
    Path tokenFile;

    /** A positive duration written as a number and ms, s or m ("30s", "500ms", "2m"). */
    static Duration parseDuration(String option, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)").matcher(text.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(option + " " + text + ": expected a positive number and ms, s or m, "
                    + "such as 30s or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    /** Helidon's own INFO lines (features, channels) are left out: the one line below says where it listens. */
    private static final java.util.logging.Logger HELIDON = java.util.logging.Logger.getLogger("io.helidon");

    @Override
    public Integer call() throws IOException {
        HELIDON.setLevel(java.util.logging.Level.WARNING);
        RewardOptions options;
        Task defaultTask;
        AdvantageFlavor flavor;
        long limit;
        Duration idle;
        try {
            options = new RewardOptions(Profile.parse(profile), MathVerifyGate.parse("off"), ExtraReward.parseList(""));
            defaultTask = task == null ? null : Task.parse(task);
            flavor = AdvantageFlavor.parse(advantage);
            limit = ScoreCommand.parseSize(maxBody);
            idle = parseDuration("--idle-timeout", idleTimeout);
        } catch (IllegalArgumentException e) {
            System.err.println("vrft serve: " + e.getMessage());
            return 2;
        }
        Admission admission;
        try {
            admission = new Admission(threads != null ? threads : Runtime.getRuntime().availableProcessors(), queue);
        } catch (IllegalArgumentException e) {
            System.err.println("vrft serve: --threads/--queue: " + e.getMessage());
            return 2;
        }
        if (maxItems < 1) {
            System.err.println("vrft serve: --max-items " + maxItems + ": expected at least 1");
            return 2;
        }
        if (port < 0 || port > 65535) {
            System.err.println("vrft serve: --port " + port + ": expected 0 to 65535");
            return 2;
        }
        String token = null;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                System.err.println("vrft serve: --token-file " + tokenFile + ": " + ScoreCommand.describe(e));
                return 2;
            }
            if (token.isEmpty()) {
                System.err.println("vrft serve: --token-file " + tokenFile + ": the file is empty");
                return 2;
            }
        }
        Backend backend = ScoreCommand.openBackend("serve", backendName);
        if (backend == null) {
            return 2;
        }
        try (backend) {
            RewardService service = new RewardService(new RewardScorer(options), backend, defaultTask,
                    options.profile().id(), token, flavor, admission, maxItems);
            WebServer server;
            try {
                server = service.start(host, port, limit, idle);
            } catch (RuntimeException e) {
                System.err.println("vrft serve: cannot listen on " + host + ":" + port + ": " + e.getMessage());
                return 2;
            }
            // SIGTERM and SIGINT stop the server (it stops accepting and lets the requests in flight finish), and
            // the command returns 0: a shutdown asked for is not a failure.
            CountDownLatch stopped = new CountDownLatch(1);
            sun.misc.SignalHandler stop = signal -> {
                server.stop();
                stopped.countDown();
            };
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), stop);
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), stop);
            System.err.println("vrft serve: listening on http://" + host + ":" + server.port() + " (profile "
                    + options.profile().id() + (defaultTask != null ? ", task " + defaultTask.id() : "") + "; "
                    + backend.describe() + ")");
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }
}
