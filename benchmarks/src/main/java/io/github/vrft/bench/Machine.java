package io.github.vrft.bench;

import io.github.vrft.backend.jcuda.JCudaProbe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine a result was measured on, in one line: CPU model, cores, memory, kernel, JDK (and GPU, driver). */
final class Machine {
    private Machine() {}

    static String describe(boolean withGpu) {
        String cpu = "unknown CPU";
        long memKib = 0;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
            List<String> mem = Files.readAllLines(Path.of("/proc/meminfo"));
            for (String l : mem) {
                if (l.startsWith("MemTotal:")) {
                    memKib = Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the rest of the line still says what it can
        }
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version").replaceAll("^(\\d+\\.\\d+).*", "$1");
        String s = cpu + ", " + Runtime.getRuntime().availableProcessors() + " vCPU, "
                + (memKib > 0 ? Math.round(memKib / 1048576.0) + " GiB, " : "") + os + ", JDK "
                + Runtime.version().feature() + "." + Runtime.version().interim() + "." + Runtime.version().update();
        if (withGpu) {
            JCudaProbe.Status g = JCudaProbe.status();
            if (g.available()) {
                s += "; GPU " + g.device() + ", driver " + g.driver();
            }
        }
        return s;
    }
}
