package io.github.vrft.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes NumPy {@code .npy} files (format 1.0, little-endian, C order), so the Python peers read our inputs. */
final class Npy {
    private Npy() {}

    static void write(Path file, float[] v) throws IOException {
        try (DataOutputStream out = open(file, "<f4", v.length)) {
            for (float x : v) {
                out.writeInt(Integer.reverseBytes(Float.floatToRawIntBits(x)));
            }
        }
    }

    static void write(Path file, long[] v) throws IOException {
        try (DataOutputStream out = open(file, "<i8", v.length)) {
            for (long x : v) {
                out.writeLong(Long.reverseBytes(x));
            }
        }
    }

    static void write(Path file, boolean[] v) throws IOException {
        try (DataOutputStream out = open(file, "|b1", v.length)) {
            for (boolean x : v) {
                out.writeByte(x ? 1 : 0);
            }
        }
    }

    private static DataOutputStream open(Path file, String descr, int n) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + n + ",), }";
        int unpadded = 10 + dict.length() + 1; // magic 6, version 2, header length 2, dict, '\n'
        StringBuilder header = new StringBuilder(dict);
        header.append(" ".repeat((64 - unpadded % 64) % 64)).append('\n');
        OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        DataOutputStream out = new DataOutputStream(os);
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.writeShort(Short.reverseBytes((short) header.length()));
        out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
        return out;
    }
}
