package io.github.vrft.bench;

import java.util.SplittableRandom;

/**
 * Generated detection rollouts in Visual-RFT's canonical answer format: per completion 0 to 12 (or about 4)
 * predicted boxes jittered around 1 to 6 ground-truth boxes, with a share of malformed answers (truncated
 * generations, prose before the list, a newline inside the answer, missing confidences). Deterministic for a
 * seed, so every implementation is measured on the same inputs.
 */
public final class RolloutWorkload {
    public final String[] completions;
    public final String[] solutions;

    private RolloutWorkload(int n) {
        completions = new String[n];
        solutions = new String[n];
    }

    /**
     * @param n             completions
     * @param minBoxes      fewest predicted boxes per answer
     * @param maxBoxes      most predicted boxes per answer
     * @param malformedRate share of malformed answers, e.g. 0.05
     */
    public static RolloutWorkload detection(int n, int minBoxes, int maxBoxes, double malformedRate, long seed) {
        return detection(n, minBoxes, maxBoxes, malformedRate, 1, seed);
    }

    /**
     * As {@link #detection(int, int, int, double, long)}, with the completions in groups of {@code groupSize}
     * that answer the same prompt and so share one solution (Visual-RFT trains with G = 8).
     */
    public static RolloutWorkload detection(int n, int minBoxes, int maxBoxes, double malformedRate, int groupSize,
                                            long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        RolloutWorkload w = new RolloutWorkload(n);
        int[][] gt = null;
        int g = 0;
        for (int i = 0; i < n; i++) {
            if (i % groupSize != 0) {
                w.solutions[i] = w.solutions[i - 1];
            } else {
            g = r.nextInt(1, 7);
            gt = new int[g][];
            StringBuilder sol = new StringBuilder("<answer>[");
            for (int k = 0; k < g; k++) {
                int x = r.nextInt(0, 800);
                int y = r.nextInt(0, 800);
                gt[k] = new int[] {x, y, x + r.nextInt(20, 200), y + r.nextInt(20, 200)};
                if (k > 0) {
                    sol.append(", ");
                }
                sol.append("{'Position': [").append(gt[k][0]).append(", ").append(gt[k][1]).append(", ")
                        .append(gt[k][2]).append(", ").append(gt[k][3]).append("], 'Confidence': 1}");
            }
            w.solutions[i] = sol.append("]</answer>").toString();
            }
            int p = r.nextInt(minBoxes, maxBoxes + 1);
            StringBuilder ans = new StringBuilder("[");
            for (int k = 0; k < p; k++) {
                int[] b = gt[k % g];
                int j = r.nextInt(3) == 0 ? 40 : 6;
                if (k > 0) {
                    ans.append(", ");
                }
                ans.append("{'Position': [").append(b[0] + r.nextInt(-j, j + 1)).append(", ")
                        .append(b[1] + r.nextInt(-j, j + 1)).append(", ").append(b[2] + r.nextInt(-j, j + 1))
                        .append(", ").append(b[3] + r.nextInt(-j, j + 1)).append("], 'Confidence': ")
                        .append(r.nextInt(1, 100) / 100.0).append('}');
            }
            ans.append(']');
            String think = "<think>I look for the requested category in the image and localize each instance.</think>";
            String c = think + " <answer>" + ans + "</answer>";
            if (r.nextDouble() < malformedRate) {
                c = switch (r.nextInt(4)) {
                    case 0 -> c.substring(0, c.length() / 2); // truncated generation
                    case 1 -> think + " <answer>The boxes are " + ans + "</answer>";
                    case 2 -> think + "\n<answer>\n" + ans + "\n</answer>";
                    default -> c.replace(", 'Confidence'", ", 'Conf'");
                };
            }
            w.completions[i] = c;
        }
        return w;
    }
}
