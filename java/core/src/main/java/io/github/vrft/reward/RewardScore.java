package io.github.vrft.reward;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rewards of one completion: its components in script order, their sum, and the diagnostics.
 *
 * <p>{@link #total()} is the double sum, left to right; {@link #totalF32()} is what the trainers use: each
 * component rounded to float32 and summed in float32 ({@code rewards_per_func.sum(dim=1)}).
 */
public final class RewardScore {
    private final Task task;
    private final List<Component> components;
    private final boolean gateFired;
    private final double total;
    private final float totalF32;

    public RewardScore(Task task, List<Component> components, boolean gateFired) {
        this.task = task;
        this.components = List.copyOf(components);
        this.gateFired = gateFired;
        double t = 0;
        float f = 0f;
        for (Component c : this.components) {
            t += c.value();
            f += (float) c.value();
        }
        this.total = t;
        this.totalF32 = f;
    }

    public Task task() {
        return task;
    }

    public List<Component> components() {
        return components;
    }

    /** The value of component {@code name}. @throws IllegalArgumentException for a name this task lacks */
    public double value(String name) {
        for (Component c : components) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        throw new IllegalArgumentException("name: task " + task.id() + " has no component '" + name
                + "'; it has " + task.components());
    }

    public double total() {
        return total;
    }

    public float totalF32() {
        return totalF32;
    }

    /** The diagnostic of a score whose math_verify gate fired, under {@link #GATE_DIAGNOSTIC_KEY}. */
    public static final String GATE_FIRED = "fired: accuracy set to 1.0 without task scoring (upstream pre-gate)";

    /** The diagnostics key of {@link #GATE_FIRED}. */
    public static final String GATE_DIAGNOSTIC_KEY = "math_verify_gate";

    /** Whether the math_verify gate fired (and so set the accuracy components to 1.0). */
    public boolean gateFired() {
        return gateFired;
    }

    /** Component name to the reason it is 0 or not finite, for the components that have one. */
    public Map<String, String> diagnostics() {
        Map<String, String> d = new LinkedHashMap<>();
        for (Component c : components) {
            if (c.reason() != null) {
                d.put(c.name(), c.reason());
            }
        }
        return d;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(task.id()).append('{');
        for (Component c : components) {
            sb.append(c.name()).append('=').append(c.value()).append(", ");
        }
        return sb.append("total=").append(total).append('}').toString();
    }
}
