package io.github.vrft.cli;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vrft score} on gzip and zstd files: whatever the input's compression (recognised by its first bytes,
 * whatever its name, stdin's copy included; concatenated members and frames read through), and whatever the
 * output's (by its name), the scored lines are byte for byte those of the plain run, decompressed here by
 * the JDK's gzip and zstd-jni's decoder. A truncated or corrupt input is an input error: exit 1, the input
 * named, no output file left.
 */
class CompressedFilesTest {
    @TempDir
    Path dir;

    private byte[] sample() throws IOException {
        try (InputStream in = ScoreCommand.class.getResourceAsStream(ScoreCommand.SAMPLE)) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(o)) {
            z.write(b);
        }
        return o.toByteArray();
    }

    private static byte[] zstd(byte[] b) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(o)) {
            z.write(b);
        }
        return o.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] decoded(Path p) throws IOException {
        String n = p.getFileName().toString();
        try (InputStream raw = Files.newInputStream(p);
             InputStream in = n.endsWith(".gz") ? new GZIPInputStream(raw) : n.endsWith(".zst") ? new ZstdInputStream(raw) : raw) {
            return in.readAllBytes();
        }
    }

    private byte[] scorePlain(byte[] input, String name) throws IOException {
        Path in = Files.write(dir.resolve(name), input);
        Path out = dir.resolve("plain-" + name + ".jsonl");
        assertEquals(0, ScoreCommandTest.run("score", "-i", in.toString(), "-o", out.toString(), "-q").exit());
        return Files.readAllBytes(out);
    }

    @Test
    void compressedInputAndOutputScoreAsPlain() throws IOException {
        byte[] plain = sample();
        byte[] want = scorePlain(plain, "in.jsonl");
        byte[] wantTwice = scorePlain(concat(plain, plain), "twice.jsonl");
        Object[][] inputs = {
            {"in.jsonl.gz", gzip(plain), want},
            {"in.jsonl.zst", zstd(plain), want},
            {"gzip-named-plain.jsonl", gzip(plain), want}, // the first bytes decide, not the name
            {"two-members.gz", concat(gzip(plain), gzip(plain)), wantTwice},
            {"two-frames.zst", concat(zstd(plain), zstd(plain)), wantTwice},
        };
        for (Object[] c : inputs) {
            Path in = Files.write(dir.resolve((String) c[0]), (byte[]) c[1]);
            for (String outName : new String[] {"out.jsonl", "out.jsonl.gz", "out.jsonl.zst", "OUT.GZ"}) {
                Path out = dir.resolve(c[0] + "-" + outName);
                ScoreCommandTest.Run r = ScoreCommandTest.run("score", "-i", in.toString(), "-o", out.toString(), "-q");
                assertEquals(0, r.exit(), c[0] + " -> " + outName + ": " + r.stderr());
                byte[] got = outName.equalsIgnoreCase("out.gz")
                        ? new GZIPInputStream(Files.newInputStream(out)).readAllBytes() : decoded(out);
                assertArrayEquals((byte[]) c[2], got, c[0] + " -> " + outName);
                if (!outName.equals("out.jsonl")) {
                    assertFalse(java.util.Arrays.equals((byte[]) c[2], Files.readAllBytes(out)), "compressed: " + outName);
                }
            }
        }
    }

    @Test
    void compressedStandardInput() throws IOException {
        byte[] plain = sample();
        byte[] want = scorePlain(plain, "in.jsonl");
        java.io.InputStream oldIn = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(zstd(plain)));
            Path out = dir.resolve("stdin.jsonl");
            assertEquals(0, ScoreCommandTest.run("score", "-i", "-", "-o", out.toString(), "-q").exit());
            assertArrayEquals(want, Files.readAllBytes(out));
        } finally {
            System.setIn(oldIn);
        }
    }

    @Test
    void truncatedOrCorruptInputIsAnInputError() throws IOException {
        byte[] plain = sample();
        byte[] gz = gzip(plain);
        byte[] zst = zstd(plain);
        byte[] corrupt = zst.clone();
        for (int i = 12; i < corrupt.length - 4; i += 7) {
            corrupt[i] ^= 0x5a;
        }
        Object[][] cases = {
            {"cut.gz", java.util.Arrays.copyOf(gz, gz.length / 2)},
            {"cut.zst", java.util.Arrays.copyOf(zst, zst.length / 2)},
            {"corrupt.zst", corrupt},
        };
        for (Object[] c : cases) {
            Path in = Files.write(dir.resolve((String) c[0]), (byte[]) c[1]);
            Path out = dir.resolve(c[0] + ".out.jsonl");
            ScoreCommandTest.Run r = ScoreCommandTest.run("score", "-i", in.toString(), "-o", out.toString(), "-q");
            assertEquals(1, r.exit(), c[0] + ": " + r.stderr());
            assertTrue(r.stderr().contains("--input " + in), c[0] + ": " + r.stderr());
            assertTrue(r.stderr().contains("nothing was written to " + out), c[0] + ": " + r.stderr());
            assertFalse(Files.exists(out), (String) c[0]);
        }
    }
}
