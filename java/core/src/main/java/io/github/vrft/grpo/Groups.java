package io.github.vrft.grpo;

import io.github.vrft.Checks;

import java.util.Arrays;
import java.util.Objects;

/**
 * A partition of B items into groups (the completions of one prompt), given either as arbitrary group ids
 * (verl {@code uid} semantics: equal ids are one group, wherever they stand) or as contiguous blocks of G.
 * Immutable.
 */
public final class Groups {
    private final int size;
    /** members of group g are {@code index[start[g] .. start[g+1])}. */
    private final int[] start;
    private final int[] index;

    private Groups(int size, int[] start, int[] index) {
        this.size = size;
        this.start = start;
        this.index = index;
    }

    /**
     * Groups from one id per item; groups are numbered by first appearance.
     *
     * @throws IllegalArgumentException if {@code ids} is null
     */
    public static Groups ofIds(int[] ids) {
        Checks.notNull(ids, "groupIds");
        int n = ids.length;
        // Renumber ids densely by first appearance, then counting-sort the items by group.
        java.util.HashMap<Integer, Integer> dense = new java.util.HashMap<>();
        int[] g = new int[n];
        for (int i = 0; i < n; i++) {
            Integer d = dense.putIfAbsent(ids[i], dense.size());
            g[i] = d == null ? dense.size() - 1 : d;
        }
        int groups = dense.size();
        int[] start = new int[groups + 1];
        for (int x : g) {
            start[x + 1]++;
        }
        for (int k = 0; k < groups; k++) {
            start[k + 1] += start[k];
        }
        int[] fill = Arrays.copyOf(start, groups);
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[fill[g[i]]++] = i;
        }
        return new Groups(n, start, index);
    }

    /** The most items {@link #contiguous} lays out (2^30: its index arrays take 8 bytes an item). */
    public static final int MAX_SIZE = 1 << 30;

    /**
     * Contiguous blocks of {@code groupSize} items, as the trainers lay out {@code num_generations}.
     *
     * @throws IllegalArgumentException if {@code size} is outside [0, {@link #MAX_SIZE}], or {@code groupSize < 1}
     *                                  or does not divide {@code size}
     */
    public static Groups contiguous(int size, int groupSize) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be in [0, " + MAX_SIZE + "], got " + size);
        }
        if (groupSize < 1 || size % groupSize != 0) {
            throw new IllegalArgumentException("groupSize must be >= 1 and divide size " + size + ", got " + groupSize);
        }
        int groups = size / groupSize;
        int[] start = new int[groups + 1];
        for (int k = 0; k <= groups; k++) {
            start[k] = k * groupSize;
        }
        int[] index = new int[size];
        for (int i = 0; i < size; i++) {
            index[i] = i;
        }
        return new Groups(size, start, index);
    }

    /** Number of items. */
    public int size() {
        return size;
    }

    /** Number of groups. */
    public int count() {
        return start.length - 1;
    }

    /** Size of group {@code g}. */
    public int groupSize(int g) {
        return start[g + 1] - start[g];
    }

    /** The {@code k}-th member (item index) of group {@code g}, in item order. */
    public int member(int g, int k) {
        return index[start[g] + k];
    }

    /** CSR offsets: group g's members are {@code members()[offsets()[g] .. offsets()[g+1])}. A copy. */
    public int[] offsets() {
        return start.clone();
    }

    /** Item indices grouped by group, in item order within a group. A copy. */
    public int[] members() {
        return index.clone();
    }

    /** @throws IllegalArgumentException naming {@code what} unless these groups cover exactly {@code n} items */
    public void requireSize(int n, String what) {
        if (n != size) {
            throw new IllegalArgumentException(what + " has length " + n + " but the groups cover " + size + " items");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Groups other && size == other.size && Arrays.equals(start, other.start)
                && Arrays.equals(index, other.index);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, Arrays.hashCode(start), Arrays.hashCode(index));
    }
}
