package io.github.vrft.cli;

import io.github.vrft.backend.Backends;
import io.github.vrft.backend.Crossover;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vrft calibrate}: measures where the GPU backend starts to beat the CPU, for {@code auto}. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Measures, per op, the batch size from which the GPU backend beats the CPU backend on this machine.",
            "auto measures it on first use when no file is given; -Dvrft.crossover=FILE makes it read this file instead."})
final class CalibrateCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the crossover to FILE (a properties file).")
    Path output;

    @Override
    public Integer call() throws Exception {
        try {
            Crossover c = Backends.calibrate(output);
            System.out.println(c.summary());
            if (output != null) {
                System.out.println("wrote " + output);
            }
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("vrft calibrate: " + e.getMessage());
            return 1;
        }
    }
}
