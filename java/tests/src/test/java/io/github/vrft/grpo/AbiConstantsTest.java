package io.github.vrft.grpo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every constant that crosses the ABI, read from {@code cuda/include/vrft_abi.h} (where it is declared once)
 * and compared with the code the Java side sends: advantage flavours, TRL loss types, verl aggregation modes,
 * KL estimators, the loss partials' order and the loss struct's field order. Reordering an enum constant or
 * a {@code #define} fails here instead of changing what a kernel computes.
 */
class AbiConstantsTest {
    private static final Pattern DEFINE = Pattern.compile("(?m)^#define (VRFT_[A-Z0-9_]+) \\(?(-?\\d+)\\)?");

    static Map<String, Integer> defines() throws IOException {
        Matcher m = DEFINE.matcher(Files.readString(Path.of("../../cuda/include/vrft_abi.h")));
        Map<String, Integer> d = new LinkedHashMap<>();
        while (m.find()) {
            d.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return d;
    }

    private static void assertCode(Map<String, Integer> d, String name, int javaCode) {
        assertTrue(d.containsKey(name), name + " is not declared in vrft_abi.h");
        assertEquals(d.get(name), javaCode, name);
    }

    @Test
    void advantageFlavours() throws IOException {
        Map<String, Integer> d = defines();
        int kernels = 0;
        for (AdvantageFlavor f : AdvantageFlavor.values()) {
            String name = "VRFT_ADV_" + f.name();
            if (f.deviceCode() < 0) {
                assertFalse(d.containsKey(name), name + " has a kernel code but Java runs it on the CPU");
            } else {
                assertCode(d, name, f.deviceCode());
                kernels++;
            }
        }
        assertEquals(d.keySet().stream().filter(k -> k.startsWith("VRFT_ADV_")).count(), kernels);
    }

    @Test
    void lossModesAndKlEstimators() throws IOException {
        Map<String, Integer> d = defines();
        for (TrlLossOptions.LossType t : TrlLossOptions.LossType.values()) {
            if (t.abiCode() >= 0) {
                assertCode(d, "VRFT_TRL_" + t.name(), t.abiCode());
            } else {
                assertFalse(d.containsKey("VRFT_TRL_" + t.name()), t.name());
            }
        }
        for (VerlLossOptions.LossAggMode m : VerlLossOptions.LossAggMode.values()) {
            assertCode(d, "VRFT_AGG_" + m.name(), m.abiCode());
        }
        for (VerlLossOptions.KlLossType k : VerlLossOptions.KlLossType.values()) {
            assertCode(d, "VRFT_KL_" + k.name(), k.code());
        }
        for (OpenRlhfLossOptions.KlEstimator k : OpenRlhfLossOptions.KlEstimator.values()) {
            assertCode(d, "VRFT_KL_OPENRLHF_" + k.name(), k.code());
        }
        assertCode(d, "VRFT_KL_NONE", DeviceLossConfig.ABI_KL_NONE);
        assertCode(d, "VRFT_LOSS_TRL_CLIPPED", DeviceLossConfig.ABI_LOSS_TRL_CLIPPED);
        assertCode(d, "VRFT_LOSS_VERL_VANILLA", DeviceLossConfig.ABI_LOSS_VERL_VANILLA);
    }

    @Test
    void lossPartialsInTheHeadersOrder() throws IOException {
        Map<String, Integer> d = defines();
        for (LossPartial p : LossPartial.values()) {
            assertCode(d, "VRFT_SUM_" + p.name(), p.index());
            assertEquals(p.ordinal(), p.index(), p.name()); // dense: sums[] is indexed by it
        }
        assertCode(d, "VRFT_SUMS", LossPartial.COUNT);
        assertEquals(LossPartial.values().length, LossPartial.COUNT);
        assertEquals(d.keySet().stream().filter(k -> k.startsWith("VRFT_SUM_")).count(), LossPartial.COUNT);
    }

    @Test
    void theLossStructHasTheJavaLayoutsFieldsInOrder() throws IOException {
        String h = Files.readString(Path.of("../../cuda/include/vrft_abi.h")).replaceAll("(?s)/\\*.*?\\*/", "");
        String body = h.substring(h.indexOf("typedef struct {") + 16, h.indexOf("} vrft_loss_cfg;"));
        List<String> fields = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (String decl : body.split(";")) {
            String t = decl.trim();
            if (t.isEmpty()) {
                continue;
            }
            String type = t.substring(0, t.indexOf(' '));
            for (String f : t.substring(t.indexOf(' ') + 1).split(",")) {
                fields.add(f.trim());
                types.add(type);
            }
        }
        List<String> javaFields = new ArrayList<>();
        List<String> javaTypes = new ArrayList<>();
        for (MemoryLayout l : io.github.vrft.backend.device.LossStruct.LAYOUT.memberLayouts()) {
            if (l.name().isPresent()) {
                javaFields.add(l.name().get());
                javaTypes.add(l instanceof ValueLayout.OfInt ? "int" : "double");
            }
        }
        assertEquals(fields, javaFields);
        assertEquals(types, javaTypes);
    }
}
