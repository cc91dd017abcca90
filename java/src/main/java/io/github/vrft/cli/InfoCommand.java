package io.github.vrft.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code vrft info}: version, backends, the chosen one and why. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Version, backends found, the chosen one and why.")
final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("vrft-kernels " + VrftCommand.version());
        System.out.println("java         " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        System.out.println("cpu cores    " + Runtime.getRuntime().availableProcessors());
        System.out.println("backends");
        System.out.println("  cpu        available (pure Java; the reference every other backend is checked against)");
        io.github.vrft.backend.jcuda.JCudaProbe.Status gpu = io.github.vrft.backend.jcuda.JCudaProbe.status();
        System.out.println("  jcuda      " + gpu);
        System.out.println("  panama     " + io.github.vrft.backend.panama.PanamaProbe.status());
        System.out.println("chosen       cpu: " + (gpu.available()
                ? "the jcuda backend is usable through the API (JCudaBackend); automatic selection is a later issue"
                : "the only usable backend"));
        System.out.println("policy loss  " + io.github.vrft.grpo.PolicyLoss.implementation());
        return 0;
    }
}
