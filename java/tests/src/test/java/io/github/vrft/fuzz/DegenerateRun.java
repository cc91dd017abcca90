package io.github.vrft.fuzz;

/**
 * The input of {@code ParserFuzzTest.degenerateRuns}: a short completion and solution, and a slice of one of
 * them to repeat in place (a digit, a space, a tag, a box) until the grown pair reaches up to 64 KB. Layout:
 * selector, flags (bit 0: VLM-R1 rather than Visual-RFT; bits 1-2: grow the completion, the solution or both),
 * slice offset (2 bytes, modulo the text), slice length (1 byte, 1 to 64 characters), repeat count (2 bytes,
 * capped so that the result fits the budget), then the completion, NUL, the solution.
 */
record DegenerateRun(boolean vlm, FuzzInput grown) {
    static final int MAX_BYTES = ParserFuzzTest.MAX_INPUT - 16;

    static DegenerateRun decode(byte[] data) {
        if (data.length < 7) {
            return new DegenerateRun(false, FuzzInput.decode(data));
        }
        int selector = data[0] & 0xff;
        int flags = data[1] & 0xff;
        int offset = ((data[2] & 0xff) << 8) | (data[3] & 0xff);
        int length = 1 + (data[4] & 0x3f);
        int repeats = ((data[5] & 0xff) << 8) | (data[6] & 0xff);
        byte[] rest = new byte[data.length - 6];
        rest[0] = (byte) selector;
        System.arraycopy(data, 7, rest, 1, data.length - 7);
        FuzzInput in = FuzzInput.decode(rest);
        int side = (flags >> 1) & 3;
        String c = in.completion();
        String s = in.solution();
        int budget = MAX_BYTES - utf8(c) - utf8(s);
        if (side != 1) {
            String g = grow(c, offset, length, repeats, side == 3 ? budget / 2 : budget);
            budget -= utf8(g) - utf8(c);
            c = g;
        }
        if (side == 1 || side == 3) {
            s = grow(s, offset, length, repeats, budget);
        }
        return new DegenerateRun((flags & 1) != 0, new FuzzInput(selector, c, s));
    }

    /** {@code text} with the slice at {@code offset} repeated {@code repeats} more times, within {@code budget} bytes. */
    static String grow(String text, int offset, int length, int repeats, int budget) {
        if (text.isEmpty() || budget <= 0) {
            return text;
        }
        int from = offset % text.length();
        int to = Math.min(text.length(), from + length);
        if (Character.isLowSurrogate(text.charAt(from)) && from > 0) {
            from--;
        }
        if (to < text.length() && Character.isLowSurrogate(text.charAt(to))) {
            to++;
        }
        String slice = text.substring(from, to);
        int n = Math.min(repeats, budget / Math.max(1, utf8(slice)));
        return text.substring(0, to) + slice.repeat(n) + text.substring(to);
    }

    private static int utf8(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    @Override
    public String toString() {
        return (vlm ? "vlm-r1 " : "visual-rft ") + grown.describe();
    }
}
