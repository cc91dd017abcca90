package io.github.vrft.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One result in the common CSV schema of every benchmark, ours and the peers':
 * {@code op,implementation,backend,size_params,metric,value,unit,machine,date}. {@code size_params} is
 * {@code key=value} pairs joined by {@code ;}; its first pair is the size the report plots along the x axis.
 */
public record ResultRow(String op, String implementation, String backend, String sizeParams, String metric,
                        double value, String unit, String machine, String date) {
    public static final String HEADER = "op,implementation,backend,size_params,metric,value,unit,machine,date";

    /** The size parameters, in order. */
    public Map<String, String> params() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : sizeParams.split(";")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return m;
    }

    /** The plotted size: the first size parameter's value as a number (NaN when it is not one). */
    public double size() {
        String first = params().values().stream().findFirst().orElse("");
        try {
            return Double.parseDouble(first);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    String toCsv() {
        return String.join(",", quote(op), quote(implementation), quote(backend), quote(sizeParams), quote(metric),
                String.format(java.util.Locale.ROOT, "%.6g", value), quote(unit), quote(machine), quote(date));
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    public static void write(Path file, List<ResultRow> rows) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER + "\n");
            for (ResultRow r : rows) {
                w.write(r.toCsv() + "\n");
            }
        }
    }

    /** Reads a file of rows, with or without the header line. */
    public static List<ResultRow> read(Path file) throws IOException {
        List<ResultRow> rows = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank() || line.equals(HEADER)) {
                continue;
            }
            List<String> f = split(line);
            if (f.size() != 9) {
                throw new IOException(file + ":" + lineNo + ": " + f.size() + " fields, the schema has 9: " + HEADER);
            }
            double v;
            try {
                v = Double.parseDouble(f.get(5));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + lineNo + ": value '" + f.get(5) + "' is not a number");
            }
            rows.add(new ResultRow(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), v, f.get(6), f.get(7), f.get(8)));
        }
        return rows;
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
