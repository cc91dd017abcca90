package io.github.vrft.backend.panama;

import org.junit.jupiter.api.Test;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every function of cuda/include/vrft.h has a binding in {@link vrft_h} with the same name, arity, argument
 * kinds and return kind (C int -> JAVA_INT, any pointer -> ADDRESS, void -> none), and vrft_h binds nothing
 * else; the enum constants agree too. The descriptors need the library's symbols, so this runs where
 * libvrft.so was built (nvcc present, as in CI) and is skipped, visibly, elsewhere.
 */
class VrftBindingsTest {
    /** A declaration {@code [const] int|char|void [*] vrft_name(params);} anywhere in the (comment-free) header. */
    private static final Pattern PROTO = Pattern.compile(
            "(?:const\\s+)?\\b(int|char|void)\\s*(\\*?)\\s*(vrft_\\w+)\\s*\\(([^)]*)\\)\\s*;");
    private static final Pattern ENUM = Pattern.compile("(VRFT_(?:OK|ERR_\\w+))\\s*=\\s*(\\d+)");

    static Map<String, List<String>> prototypes() throws Exception {
        String h = Files.readString(Path.of("../../cuda/include/vrft.h")).replaceAll("(?s)/\\*.*?\\*/", "");
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = PROTO.matcher(h.replaceAll("\\s+", " "));
        while (m.find()) {
            List<String> kinds = new ArrayList<>();
            kinds.add(kind(m.group(1) + m.group(2)));
            String params = m.group(4).trim();
            if (!params.isEmpty() && !params.equals("void")) {
                for (String p : params.split(",")) {
                    kinds.add(kind(p));
                }
            }
            out.put(m.group(3), kinds);
        }
        return out;
    }

    private static String kind(String cType) {
        if (cType.contains("*")) {
            return "pointer";
        }
        String t = cType.replace("const", "").trim().split("\\s+")[0];
        return switch (t) {
            case "int" -> "int";
            case "long" -> "long long";
            case "double" -> "double";
            case "void" -> "void";
            default -> throw new IllegalArgumentException("unmapped C type " + cType);
        };
    }

    private static String kind(MemoryLayout l) {
        if (l instanceof AddressLayout) {
            return "pointer";
        }
        if (l instanceof ValueLayout.OfInt) {
            return "int";
        }
        if (l instanceof ValueLayout.OfLong) {
            return "long long";
        }
        if (l instanceof ValueLayout.OfDouble) {
            return "double";
        }
        return l.toString();
    }

    @Test
    void everyFunctionOfTheHeaderHasABindingOfTheSameShape() throws Exception {
        assumeTrue(NativeLibrary.error() == null, () -> "libvrft.so not loaded: " + NativeLibrary.error());
        Map<String, List<String>> header = prototypes();
        assertTrue(header.size() >= 21, "parsed only " + header.keySet());
        TreeSet<String> bound = new TreeSet<>();
        for (Method m : vrft_h.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getName().endsWith("$descriptor")) {
                bound.add(m.getName().substring(0, m.getName().length() - "$descriptor".length()));
            }
        }
        assertEquals(new TreeSet<>(header.keySet()), bound, "functions of vrft.h vs bindings in vrft_h");
        for (Map.Entry<String, List<String>> e : header.entrySet()) {
            FunctionDescriptor d = (FunctionDescriptor) vrft_h.class.getMethod(e.getKey() + "$descriptor").invoke(null);
            List<String> got = new ArrayList<>();
            got.add(d.returnLayout().map(VrftBindingsTest::kind).orElse("void"));
            for (MemoryLayout l : d.argumentLayouts()) {
                got.add(kind(l));
            }
            assertEquals(e.getValue(), got, e.getKey() + ": [return, args...]");
            Method wrapper = null;
            for (Method m : vrft_h.class.getMethods()) {
                if (m.getName().equals(e.getKey())) {
                    wrapper = m;
                }
            }
            assertTrue(wrapper != null, e.getKey() + ": no static wrapper");
            assertEquals(e.getValue().size() - 1, wrapper.getParameterCount(), e.getKey() + ": wrapper arity");
        }
    }

    @Test
    void enumConstantsAgreeWithTheHeader() throws Exception {
        String h = Files.readString(Path.of("../../cuda/include/vrft.h"));
        Matcher m = ENUM.matcher(h);
        int n = 0;
        while (m.find()) {
            assertEquals(Integer.parseInt(m.group(2)), (int) vrft_h.class.getMethod(m.group(1)).invoke(null), m.group(1));
            n++;
        }
        assertEquals(6, n);
    }

    @Test
    void theHeaderParserSeesEveryPrototype() throws Exception {
        Map<String, List<String>> p = prototypes();
        // return int; ctx; batch; h_pred, h_conf, h_pred_off, h_gt, h_gt_off, h_format; groups; h_group_start,
        // h_group_member; flavor; h_iou_reward, h_conf_reward, h_total, h_adv
        assertEquals(List.of("int", "pointer", "int", "pointer", "pointer", "pointer", "pointer", "pointer", "pointer",
                "int", "pointer", "pointer", "int", "pointer", "pointer", "pointer", "pointer"), p.get("vrft_reward_step"));
        assertEquals(List.of("pointer"), p.get("vrft_last_error"));
        assertFalse(p.containsKey("vrft_context"));
    }
}
