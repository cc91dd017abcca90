package io.github.vrft.box;

/** Checks of the ragged box-batch contract shared by every backend: xyxy boxes, 4 floats each, with offsets. */
public final class RaggedBoxes {
    private RaggedBoxes() {}

    /**
     * Checks that {@code off} splits {@code boxes} into samples: it starts at 0, never decreases and ends at the
     * box count. Returns the number of samples.
     *
     * @throws IllegalArgumentException naming {@code name} or {@code offName} when it does not
     */
    public static int checkOffsets(float[] boxes, long[] off, String name, String offName) {
        if (boxes == null || off == null) {
            throw new IllegalArgumentException((boxes == null ? name : offName) + " must not be null");
        }
        if (boxes.length % 4 != 0) {
            throw new IllegalArgumentException(name + " has length " + boxes.length + ", not a multiple of 4 (xyxy boxes)");
        }
        if (off.length < 1 || off[0] != 0 || off[off.length - 1] != boxes.length / 4) {
            throw new IllegalArgumentException(offName + " must start at 0 and end at the box count " + boxes.length / 4);
        }
        for (int i = 1; i < off.length; i++) {
            if (off[i] < off[i - 1]) {
                throw new IllegalArgumentException(offName + " must not decrease (at " + i + ")");
            }
        }
        return off.length - 1;
    }

    /**
     * The output offsets of a batched all-pairs op: sample i's {@code n_i × m_i} results start at {@code out[i]}.
     *
     * @throws IllegalArgumentException when the batches differ in size or the pairs do not fit in one Java array
     */
    public static long[] pairOffsets(long[] aOff, long[] bOff, String aOffName, String bOffName) {
        if (aOff.length != bOff.length) {
            throw new IllegalArgumentException(bOffName + " has " + bOff.length + " entries, expected " + aOffName
                    + "'s " + aOff.length);
        }
        int batch = aOff.length - 1;
        long[] out = new long[batch + 1];
        for (int i = 0; i < batch; i++) {
            out[i + 1] = out[i] + (aOff[i + 1] - aOff[i]) * (bOff[i + 1] - bOff[i]);
        }
        if (out[batch] > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(aOffName + " and " + bOffName + ": " + out[batch]
                    + " pairs do not fit in one Java array");
        }
        return out;
    }
}
