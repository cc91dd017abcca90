package io.github.vrft.cli;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Compressed rollout files. Input is recognised by its first bytes (gzip {@code 1f 8b}, zstd
 * {@code 28 b5 2f fd}), so a compressed file is read whatever its name, and so is compressed standard input;
 * concatenated members (gzip) and frames (zstd) are read one after another, as {@code zcat} and
 * {@code zstdcat} do. Output is compressed when the file's name ends in {@code .gz} or {@code .zst}; standard
 * output and devices are written plain. gzip is the JDK's; zstd is zstd-jni (the reference C library), at
 * level 3, its default.
 */
final class Compression {
    private Compression() {}

    private static final int BUFFER = 1 << 16;

    /** How a file's bytes are stored. */
    enum Format {
        PLAIN, GZIP, ZSTD;

        /** By the first bytes of a stream. */
        static Format sniff(byte[] head, int n) {
            if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                return GZIP;
            }
            if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                    && (head[3] & 0xff) == 0xfd) {
                return ZSTD;
            }
            return PLAIN;
        }

        /** By a file name's extension (case-insensitive). */
        static Format ofName(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return n.endsWith(".gz") ? GZIP : n.endsWith(".zst") ? ZSTD : PLAIN;
        }
    }

    /** A failure to read or decompress the input (a truncated or corrupt gzip or zstd file, a read error). */
    static final class InputException extends IOException {
        InputException(IOException cause) {
            super(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName(), cause);
        }
    }

    /**
     * The decompressed bytes of {@code p}; its read and decompression failures are {@link InputException}s, so
     * that they are not taken for the output's.
     */
    static InputStream open(Path p) throws IOException {
        InputStream in = decoded(Files.newInputStream(p));
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return in.read();
                } catch (IOException e) {
                    throw new InputException(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException e) {
                    throw new InputException(e);
                }
            }
        };
    }

    /** {@code raw}'s bytes, decompressed when its first bytes say it is gzip or zstd. */
    static InputStream decoded(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        in.mark(4);
        byte[] head = new byte[4];
        int n = in.readNBytes(head, 0, 4);
        in.reset();
        try {
            return switch (Format.sniff(head, n)) {
                case GZIP -> new GZIPInputStream(in, BUFFER);
                case ZSTD -> new BufferedInputStream(new ZstdInputStream(in).setContinuous(false), BUFFER);
                case PLAIN -> in;
            };
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** {@code os}, compressing as the output's name asks; closing the result finishes the compressed stream. */
    static OutputStream encoded(OutputStream os, String name) throws IOException {
        return switch (Format.ofName(name)) {
            case GZIP -> new GZIPOutputStream(os, BUFFER);
            case ZSTD -> new ZstdOutputStream(os, 3);
            case PLAIN -> os;
        };
    }
}
