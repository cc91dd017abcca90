package io.github.vrft.cli;

import io.github.vrft.backend.Backend;
import io.github.vrft.backend.Backends;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code vrft info}: version, backends, the one {@code auto} chooses and why. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Version, backends found, the one auto chooses and why (with a GPU, auto measures its CPU/GPU crossover first: a few seconds).")
final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("vrft-kernels " + VrftCommand.version());
        System.out.println("java         " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        System.out.println("cpu cores    " + Runtime.getRuntime().availableProcessors());
        System.out.println("backends");
        for (String line : Backends.report()) {
            System.out.println("  " + line);
        }
        try (Backend auto = Backends.open("auto")) {
            System.out.println("chosen       " + auto.describe());
        }
        System.out.println("policy loss  " + io.github.vrft.grpo.PolicyLoss.implementation());
        return 0;
    }
}
