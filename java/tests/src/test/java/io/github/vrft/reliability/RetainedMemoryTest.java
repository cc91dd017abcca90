package io.github.vrft.reliability;

import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScorer;
import io.github.vrft.reward.Task;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the scorer keeps after a call: pool threads that scored 8 MB solutions must not keep them alive (the
 * detection reward's per-thread cache of the last solution keeps only small ones; issue 14 measured 293 MB
 * retained by 8 threads before).
 */
class RetainedMemoryTest {
    @Test
    void largeSolutionsAreNotRetainedByPoolThreads() throws Exception {
        RewardScorer scorer = new RewardScorer(RewardOptions.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<WeakReference<String>> refs = new ArrayList<>();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                StringBuilder b = new StringBuilder("<answer>[");
                while (b.length() < 8_000_000) {
                    b.append("{'Position': [").append(b.length() % 500).append(", 20, 300, 400], 'Confidence': 1}, ");
                }
                String solution = b.append("{'Position': [1, 2, 3, 4], 'Confidence': 1}]</answer>").toString();
                refs.add(new WeakReference<>(solution));
                done.add(pool.submit(() -> scorer.score(Task.DETECTION,
                        "<think>x</think><answer>[{'Position': [1, 2, 3, 4], 'Confidence': 0.9}]</answer>", solution)));
            }
            for (Future<?> f : done) {
                f.get();
            }
            done.clear();
            for (int i = 0; i < 5 && refs.stream().anyMatch(r -> r.get() != null); i++) {
                System.gc();
                Thread.sleep(50);
            }
            for (WeakReference<String> r : refs) {
                assertTrue(r.get() == null, "a pool thread still holds an 8 MB solution");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
