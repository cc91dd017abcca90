/** vrft-kernels command line: {@code vrft score}, {@code serve}, {@code grpo}, {@code info} and {@code calibrate}. */
module io.github.vrft.cli {
    requires io.github.vrft.core;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires com.github.luben.zstd_jni;
    requires io.helidon.webserver;
    requires java.logging;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires jdk.unsupported; // sun.misc.Signal: vrft serve exits 0 on SIGTERM

    exports io.github.vrft.cli;
    opens io.github.vrft.cli to info.picocli;
}
