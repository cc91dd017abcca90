package io.github.vrft.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte layout of the reward fuzz inputs, so that seeds can be written from the golden files: one selector
 * byte (which profile, task and method), then the completion, a NUL byte, the solution (UTF-8, malformed bytes
 * replaced). A missing NUL makes the solution empty.
 */
record FuzzInput(int selector, String completion, String solution) {
    static FuzzInput decode(byte[] data) {
        if (data.length == 0) {
            return new FuzzInput(0, "", "");
        }
        int nul = -1;
        for (int i = 1; i < data.length; i++) {
            if (data[i] == 0) {
                nul = i;
                break;
            }
        }
        int end = nul < 0 ? data.length : nul;
        String c = new String(Arrays.copyOfRange(data, 1, end), StandardCharsets.UTF_8);
        String s = nul < 0 ? "" : new String(Arrays.copyOfRange(data, nul + 1, data.length), StandardCharsets.UTF_8);
        return new FuzzInput(data[0] & 0xff, c, s);
    }

    static byte[] encode(int selector, String completion, String solution) {
        byte[] c = completion.getBytes(StandardCharsets.UTF_8);
        byte[] s = solution.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[2 + c.length + s.length];
        out[0] = (byte) selector;
        System.arraycopy(c, 0, out, 1, c.length);
        System.arraycopy(s, 0, out, 2 + c.length, s.length);
        return out;
    }

    String describe() {
        String c = completion.length() > 200 ? completion.substring(0, 200) + "…(" + completion.length() + " chars)" : completion;
        String s = solution.length() > 200 ? solution.substring(0, 200) + "…(" + solution.length() + " chars)" : solution;
        return "selector " + selector + ", completion " + quote(c) + ", solution " + quote(s);
    }

    private static String quote(String x) {
        return '"' + x.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + '"';
    }
}
