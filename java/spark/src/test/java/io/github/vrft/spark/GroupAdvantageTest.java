package io.github.vrft.spark;

import io.github.vrft.grpo.AdvantageFlavor;
import io.github.vrft.grpo.GroupAdvantages;
import io.github.vrft.grpo.Groups;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A group's rows may reach the group function in any order (a shuffle fetches map outputs as they come); the
 * advantages must still be those of the input order, since float sums depend on their order.
 */
class GroupAdvantageTest {
    @Test
    void advantagesAreThoseOfTheInputOrderWhateverOrderTheRowsArriveIn() throws Exception {
        // verl's float32 one-pass sums: the flavour whose rounding most plainly depends on the order
        float[] totals = {2.9999998f, 1.0e-7f, 0.3f, 2.7182817f, 1.0e-7f, 0.1f, 2.0000002f, 1.3333334f};
        int n = totals.length;
        float[] inOrder = GroupAdvantages.compute(totals, Groups.contiguous(n, n), AdvantageFlavor.VERL_VECTORIZED);
        float[] reversedTotals = new float[n];
        for (int k = 0; k < n; k++) {
            reversedTotals[k] = totals[n - 1 - k];
        }
        float[] reversed = GroupAdvantages.compute(reversedTotals, Groups.contiguous(n, n), AdvantageFlavor.VERL_VECTORIZED);
        boolean differs = false;
        for (int k = 0; k < n; k++) {
            differs |= Float.floatToIntBits(inOrder[k]) != Float.floatToIntBits(reversed[n - 1 - k]);
        }
        assertNotEquals(false, differs, "these totals must be order-sensitive for the test to mean anything");
        List<Row> arriving = new ArrayList<>();
        for (int k = n - 1; k >= 0; k--) {
            arriving.add(RowFactory.create(100L + k, RowFactory.create(totals[k])));
        }
        Iterator<Row> out = new VrftSpark.GroupAdvantage(0, 1, 0, AdvantageFlavor.VERL_VECTORIZED).call("sg", arriving.iterator());
        for (int k = 0; k < n; k++) {
            Row r = out.next();
            assertEquals(100L + k, r.getLong(0));
            assertEquals(Float.floatToIntBits(inOrder[k]), Float.floatToIntBits(r.getFloat(2)), "row " + k);
        }
    }
}
