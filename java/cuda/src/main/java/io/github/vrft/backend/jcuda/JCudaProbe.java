package io.github.vrft.backend.jcuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;

/**
 * Whether the jcuda backend can run here: the fatbin was built into this jar, JCuda's native library loads,
 * {@code cuInit} succeeds, a device exists, and the module loads with every kernel. Runs once, is cached,
 * and never throws: a failure becomes {@link Status#reason()}.
 */
public final class JCudaProbe {
    private JCudaProbe() {}

    /** The kernels the backend launches; the probe checks that the module has each. */
    static final String[] KERNELS = {"vrft_pairwise_iou_kernel", "vrft_detection_rewards_kernel", "vrft_group_advantages_kernel",
        "vrft_loss_rows", "vrft_loss_counts", "vrft_loss_tokens"};
    static final String FATBIN = "/native/vrft.fatbin";
    /** A fatbin file to load instead of the jar's (a locally built one, or the tests' host emulation). */
    static final String FATBIN_PROPERTY = "vrft.jcuda.fatbin";

    /** The probe's finding. */
    public record Status(boolean available, String reason, String device, String driver) {
        @Override
        public String toString() {
            return available ? "available: " + device + ", CUDA driver " + driver : "unavailable: " + reason;
        }
    }

    private static volatile Status cached;

    /** The cached probe result (the first call runs it). */
    public static Status status() {
        Status s = cached;
        if (s == null) {
            synchronized (JCudaProbe.class) {
                if (cached == null) {
                    cached = probe();
                }
                s = cached;
            }
        }
        return s;
    }

    /** The fatbin named by {@value #FATBIN_PROPERTY}, else the one in this jar; null when there is none. */
    static byte[] fatbin() {
        String path = System.getProperty(FATBIN_PROPERTY);
        if (path != null) {
            try {
                return java.nio.file.Files.readAllBytes(java.nio.file.Path.of(path));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        try (InputStream in = JCudaProbe.class.getResourceAsStream(FATBIN)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static Status probe() {
        byte[] image = fatbin();
        if (image == null) {
            String path = System.getProperty(FATBIN_PROPERTY);
            return new Status(false, path != null ? FATBIN_PROPERTY + "=" + path + " is not a readable file"
                    : "not built: this jar has no " + FATBIN + " (nvcc was absent at build time)", null, null);
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
        } catch (Throwable t) { // UnsatisfiedLinkError without libcuda.so.1, NoClassDefFoundError without JCuda
            String msg = String.valueOf(t.getMessage());
            String why = msg.contains("libcuda.so.1")
                    ? "libcuda.so.1 not found: no NVIDIA driver on this machine"
                    : t.getClass().getSimpleName() + ": " + msg.lines().findFirst().orElse(msg);
            return new Status(false, "JCuda's native library did not load (" + why + ")", null, null);
        }
        CUcontext ctx = null;
        try {
            JCudaDriver.cuInit(0);
            int[] count = {0};
            JCudaDriver.cuDeviceGetCount(count);
            if (count[0] < 1) {
                return new Status(false, "cuInit succeeded but there is no CUDA device", null, null);
            }
            CUdevice dev = new CUdevice();
            JCudaDriver.cuDeviceGet(dev, 0);
            byte[] name = new byte[256];
            JCudaDriver.cuDeviceGetName(name, name.length, dev);
            int[] drv = {0};
            JCudaDriver.cuDriverGetVersion(drv);
            String device = new String(name, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", "");
            String driver = (drv[0] / 1000) + "." + (drv[0] % 1000) / 10;
            ctx = new CUcontext();
            JCudaDriver.cuCtxCreate(ctx, 0, dev);
            CUmodule module = new CUmodule();
            JCudaDriver.cuModuleLoadData(module, image);
            for (String k : KERNELS) {
                JCudaDriver.cuModuleGetFunction(new CUfunction(), module, k);
            }
            JCudaDriver.cuModuleUnload(module);
            return new Status(true, null, device, driver);
        } catch (Throwable t) {
            String msg = String.valueOf(t.getMessage());
            return new Status(false, "CUDA: " + msg.lines().findFirst().orElse(msg), null, null);
        } finally {
            if (ctx != null) {
                try {
                    JCudaDriver.cuCtxDestroy(ctx);
                } catch (Throwable ignored) {
                    // the probe never throws
                }
            }
        }
    }
}
