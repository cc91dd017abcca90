package io.github.vrft.nativehost;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The host build of the device math ({@code libvrft_host.so}, from native-build/build.sh), bound through
 * FFM for the tests. {@link #available()} is false, with {@link #why()}, where no C compiler built it.
 */
public final class HostLib {
    private HostLib() {}

    private static final String WHY;
    public static final MethodHandle IOU;
    public static final MethodHandle DETECTION;
    public static final MethodHandle GROUP;
    public static final MethodHandle LOSS;
    /** {@code void (double z, double* ms)}: vrft_lse_push on {@code ms = {m, s}}. */
    public static final MethodHandle LSE_PUSH;
    /** {@code void (double m2, double s2, double* ms)}: vrft_lse_merge. */
    public static final MethodHandle LSE_MERGE;
    /** {@code double (double m, double s)}: vrft_lse_value. */
    public static final MethodHandle LSE_VALUE;
    /** {@code float (double z, double lse, double g, int isToken)}: vrft_logits_grad. */
    public static final MethodHandle LOGITS_GRAD;

    static {
        String path = System.getProperty("vrft.host.lib", "target/native-host/libvrft_host.so");
        MethodHandle iou = null;
        MethodHandle det = null;
        MethodHandle group = null;
        MethodHandle loss = null;
        MethodHandle push = null;
        MethodHandle merge = null;
        MethodHandle value = null;
        MethodHandle grad = null;
        String why = null;
        if (!Files.isReadable(Path.of(path))) {
            why = path + " not built (no C compiler when native-build ran)";
        } else {
            SymbolLookup lib = SymbolLookup.libraryLookup(Path.of(path), Arena.global());
            Linker l = Linker.nativeLinker();
            iou = l.downcallHandle(lib.find("vrft_host_iou").orElseThrow(), FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, ADDRESS));
            det = l.downcallHandle(lib.find("vrft_host_detection").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
            group = l.downcallHandle(lib.find("vrft_host_group").orElseThrow(),
                    FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
            loss = l.downcallHandle(lib.find("vrft_host_loss").orElseThrow(), FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
            push = l.downcallHandle(lib.find("vrft_host_lse_push").orElseThrow(),
                    FunctionDescriptor.ofVoid(JAVA_DOUBLE, ADDRESS));
            merge = l.downcallHandle(lib.find("vrft_host_lse_merge").orElseThrow(),
                    FunctionDescriptor.ofVoid(JAVA_DOUBLE, JAVA_DOUBLE, ADDRESS));
            value = l.downcallHandle(lib.find("vrft_host_lse_value").orElseThrow(),
                    FunctionDescriptor.of(JAVA_DOUBLE, JAVA_DOUBLE, JAVA_DOUBLE));
            grad = l.downcallHandle(lib.find("vrft_host_logits_grad").orElseThrow(),
                    FunctionDescriptor.of(JAVA_FLOAT, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_INT));
        }
        IOU = iou;
        DETECTION = det;
        GROUP = group;
        LOSS = loss;
        LSE_PUSH = push;
        LSE_MERGE = merge;
        LSE_VALUE = value;
        LOGITS_GRAD = grad;
        WHY = why;
    }

    public static boolean available() {
        return WHY == null;
    }

    public static String why() {
        return WHY;
    }
}
