package io.github.vrft.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where scored lines go. A regular file is written beside itself ({@code .FILE.<unique>.partial}, one name per
 * run) and moved into place atomically only when every line is written, so a failed run (a full disk, a
 * crash) never leaves a half-written file under the requested name, two runs writing the same file leave the
 * complete output of one of them, and a signal (SIGINT, SIGTERM) removes the partial file. Stdout, devices
 * and pipes are written in place; there a failure is reported as an incomplete output. Stdout is written
 * through its file descriptor, not {@code System.out}, whose PrintStream swallows write errors. A file named
 * {@code *.gz} or {@code *.zst} is written compressed ({@link Compression}).
 */
final class OutputTarget implements Closeable, JsonlScoring.Output {
    private final String name;
    private final Path finalPath;
    private final Path partial;
    private final boolean discard; // no output at all: it can start over (as a null stream again)
    private OutputStream stream;
    private Writer writer;
    private boolean done;

    private OutputTarget(String name, Path finalPath, Path partial, OutputStream stream, boolean discard) {
        this.name = name;
        this.finalPath = finalPath;
        this.partial = partial;
        this.stream = stream;
        this.discard = discard;
    }

    static OutputTarget discard() {
        return new OutputTarget("(no output)", null, null, OutputStream.nullOutputStream(), true);
    }

    static OutputTarget open(String path) throws IOException {
        if (path == null || path.equals("-")) {
            OutputStream fd = new FilterOutputStream(new FileOutputStream(FileDescriptor.out)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush(); // never close the process's stdout
                }
            };
            return new OutputTarget("stdout", null, null, buffered(fd), false);
        }
        Path p = Path.of(path);
        if (Files.isDirectory(p)) {
            throw new IOException("is a directory");
        }
        if (Files.exists(p) && !Files.isRegularFile(p)) { // /dev/stdout, /dev/null, a FIFO: in place, plain
            return new OutputTarget(path, null, null, buffered(Files.newOutputStream(p)), false);
        }
        Path partial = null;
        OutputStream os = null;
        for (int attempt = 0; os == null; attempt++) {
            partial = p.resolveSibling("." + p.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".partial");
            try {
                os = Files.newOutputStream(partial, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 8) {
                    throw e;
                }
            }
        }
        ExitCleanup.register(partial);
        try {
            os = Compression.encoded(os, p.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            os.close();
            ExitCleanup.delete(partial);
            throw e;
        }
        return new OutputTarget(path, p, partial, buffered(os), false);
    }

    private static OutputStream buffered(OutputStream os) {
        return new BufferedOutputStream(os, 1 << 16);
    }

    /** The bytes of the output. */
    @Override
    public OutputStream stream() {
        return stream;
    }

    /** A file written beside itself, or no output at all: both can start over; stdout and devices cannot. */
    @Override
    public boolean restartable() {
        return partial != null || discard;
    }

    @Override
    public OutputStream restart() throws IOException {
        if (!restartable()) {
            throw new IllegalStateException(name + " cannot start over");
        }
        closeStreams();
        writer = null;
        if (partial == null) {
            stream = OutputStream.nullOutputStream();
            return stream;
        }
        OutputStream os = Files.newOutputStream(partial, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                java.nio.file.StandardOpenOption.WRITE);
        try {
            os = Compression.encoded(os, finalPath.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            os.close();
            throw e;
        }
        stream = buffered(os);
        return stream;
    }

    /** The output as UTF-8 text (over {@link #stream}; use one of the two). */
    Writer writer() {
        if (writer == null) {
            writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        }
        return writer;
    }

    private void closeStreams() throws IOException {
        if (writer != null) {
            writer.close();
        } else {
            stream.close();
        }
    }

    String name() {
        return name;
    }

    /** Flushes and closes; a file is then moved into place. */
    void commit() throws IOException {
        closeStreams();
        if (partial != null) {
            Files.move(partial, finalPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ExitCleanup.unregister(partial);
        }
        done = true;
    }

    /** What a failure left behind, for the error message. */
    String failureNote() {
        return partial != null ? "nothing was written to " + name + " (the partial output was deleted)"
                : "the output is incomplete (its last line may be cut short)";
    }

    /** After a failure: closes quietly and deletes the partial file. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        try {
            closeStreams();
        } catch (IOException e) {
            // the failure being reported already says the output is incomplete
        }
        if (partial != null) {
            try {
                ExitCleanup.delete(partial);
            } catch (IOException e) {
                System.err.println("vrft: could not delete " + partial + ": " + e.getMessage());
            }
        }
    }
}
