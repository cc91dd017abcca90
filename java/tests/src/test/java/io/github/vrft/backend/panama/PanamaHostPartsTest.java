package io.github.vrft.backend.panama;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shim's pure-host parts, which work with or without a GPU: status names, the thread's last error,
 * argument checks that name the argument before any CUDA call, and clean failure without a device.
 */
class PanamaHostPartsTest {

    private static void loaded() {
        assumeTrue(NativeLibrary.error() == null, () -> "libvrft.so not loaded: " + NativeLibrary.error());
    }

    @Test
    void statusNames() {
        loaded();
        String[] names = {"VRFT_OK", "VRFT_ERR_INVALID_ARGUMENT", "VRFT_ERR_NO_DEVICE", "VRFT_ERR_CUDA",
            "VRFT_ERR_OUT_OF_MEMORY", "VRFT_ERR_UNSUPPORTED"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], vrft_h.vrft_error_string(i).getString(0));
        }
        assertEquals("VRFT_ERR_UNKNOWN", vrft_h.vrft_error_string(99).getString(0));
        assertEquals(300, vrft_h.vrft_version()); // 0.3.0: the logits functions, device memory, the stream and kernel timing added
    }

    @Test
    void argumentChecksNameTheArgumentBeforeAnyCudaCall() {
        loaded();
        try (Arena a = Arena.ofConfined()) {
            assertEquals(vrft_h.VRFT_ERR_INVALID_ARGUMENT(), vrft_h.vrft_pairwise_iou(MemorySegment.NULL, -1,
                    MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL));
            assertEquals("batch must be >= 0, got -1", vrft_h.vrft_last_error().getString(0));
            MemorySegment box = a.allocateFrom(ValueLayout.JAVA_FLOAT, 0, 0, 1, 1);
            MemorySegment badOff = a.allocateFrom(ValueLayout.JAVA_LONG, 0, 2, 1);
            MemorySegment out = a.allocate(ValueLayout.JAVA_FLOAT, 4);
            assertEquals(vrft_h.VRFT_ERR_INVALID_ARGUMENT(), vrft_h.vrft_pairwise_iou(MemorySegment.NULL, 2, box, badOff, box, badOff, out));
            assertEquals("h_a_off must not decrease (at 2: 1 < 2)", vrft_h.vrft_last_error().getString(0));
            MemorySegment off = a.allocateFrom(ValueLayout.JAVA_LONG, 0, 1);
            assertEquals(vrft_h.VRFT_ERR_INVALID_ARGUMENT(), vrft_h.vrft_pairwise_iou(MemorySegment.NULL, 1, box, off, box, off, out));
            assertEquals("ctx is NULL", vrft_h.vrft_last_error().getString(0));
            MemorySegment start = a.allocateFrom(ValueLayout.JAVA_INT, 0, 2);
            MemorySegment member = a.allocateFrom(ValueLayout.JAVA_INT, 0, 5);
            assertEquals(vrft_h.VRFT_ERR_INVALID_ARGUMENT(), vrft_h.vrft_group_advantages(MemorySegment.NULL, 2, 1,
                    out, start, member, 1, out));
            assertEquals("h_member[1] = 5 is not an index below n = 2", vrft_h.vrft_last_error().getString(0));
            assertEquals(vrft_h.VRFT_ERR_INVALID_ARGUMENT(), vrft_h.vrft_group_advantages(MemorySegment.NULL, 0, 0,
                    out, a.allocateFrom(ValueLayout.JAVA_INT, 0), member, 2, out));
            assertEquals("flavor 2 is not a VRFT_ADV_* value the kernel has", vrft_h.vrft_last_error().getString(0));
            assertEquals(vrft_h.VRFT_ERR_INVALID_ARGUMENT(), vrft_h.vrft_policy_loss(MemorySegment.NULL, MemorySegment.NULL,
                    out, out, out, out, out, out, out, out, out, out, out));
            assertEquals("h_cfg is NULL", vrft_h.vrft_last_error().getString(0));
            // the Java side turns an invalid-argument status into IllegalArgumentException with the message
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PanamaBackend.check(
                    vrft_h.vrft_device_count(MemorySegment.NULL)));
            assertTrue(e.getMessage().startsWith("h_count is NULL"), e.getMessage());
        }
    }

    @Test
    void withoutADeviceEverythingFailsCleanly() {
        loaded();
        PanamaProbe.Status s = PanamaProbe.status();
        assertNotNull(s);
        assertTrue(s.libraryLoaded());
        System.out.println("panama probe: " + s);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(ValueLayout.JAVA_INT);
            assertEquals(vrft_h.VRFT_OK(), vrft_h.vrft_device_count(n));
            if (n.get(ValueLayout.JAVA_INT, 0) == 0) {
                assertTrue(!s.available());
                MemorySegment out = a.allocate(ValueLayout.ADDRESS);
                assertEquals(vrft_h.VRFT_ERR_NO_DEVICE(), vrft_h.vrft_context_create(0, out));
                assertTrue(vrft_h.vrft_last_error().getString(0).startsWith("no CUDA device 0"));
                IllegalStateException e = assertThrows(IllegalStateException.class, PanamaBackend::open);
                assertTrue(e.getMessage().contains("VRFT_ERR_NO_DEVICE"), e.getMessage());
            }
        }
    }
}
