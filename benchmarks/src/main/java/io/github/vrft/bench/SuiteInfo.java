package io.github.vrft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a suite run was, beside its rows: the mode, the machine, the backends found (and why not), the Python
 * that ran the peers, and the notes (peers skipped, and why). Saved as suite.json next to results.csv, so the
 * report can be regenerated from the two files alone.
 */
public record SuiteInfo(String mode, String machine, String date, List<String> backends, List<String> backendNotes,
                        String python, List<String> notes, double wallSeconds) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    static SuiteInfo read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), SuiteInfo.class);
    }
}
