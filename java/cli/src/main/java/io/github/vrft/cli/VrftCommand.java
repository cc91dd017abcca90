package io.github.vrft.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vrft} command line: {@code score}, {@code serve}, {@code grpo}, {@code info}, {@code calibrate}. */
@Command(name = "vrft", mixinStandardHelpOptions = true, versionProvider = VrftCommand.Version.class,
        description = "Verifiable rewards and GRPO math for visual reinforcement fine-tuning (Visual-RFT, VLM-R1).",
        subcommands = {ScoreCommand.class, ServeCommand.class, GrpoCommand.class, InfoCommand.class, CalibrateCommand.class, CommandLine.HelpCommand.class})
public final class VrftCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit status (0 ok, 1 some input failed, 2 usage error). */
    public static int execute(String... args) {
        return new CommandLine(new VrftCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    /** The library version, from the jar manifest when packaged. */
    public static String version() {
        String v = VrftCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vrft-kernels " + version(), "Java " + Runtime.version()};
        }
    }
}
