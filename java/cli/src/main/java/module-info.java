/** vrft-kernels command line: {@code vrft score}, {@code grpo}, {@code info} and {@code calibrate}. */
module io.github.vrft.cli {
    requires io.github.vrft.core;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires com.github.luben.zstd_jni;

    exports io.github.vrft.cli;
    opens io.github.vrft.cli to info.picocli;
}
