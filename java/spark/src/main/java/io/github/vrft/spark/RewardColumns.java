package io.github.vrft.spark;

import io.github.vrft.reward.Component;
import io.github.vrft.reward.ExtraReward;
import io.github.vrft.reward.RewardOptions;
import io.github.vrft.reward.RewardScore;
import io.github.vrft.reward.Task;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The output columns' types and values. The rewards struct has one double field per component any task of the
 * profile can give (the tasks' own components, then the extra rewards'), null where a row's task has no such
 * component, then {@code total} (double) and {@code total_f32} (float32, what the advantage is computed from),
 * the values {@code vrft score} writes; the diagnostics are a map of component (or {@code math_verify_gate}, or
 * {@code error} for a row that was not scored) to the reason.
 */
final class RewardColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The diagnostics key of a row that could not be scored. */
    static final String ERROR = "error";

    static final MapType DIAGNOSTICS = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true);

    private final List<String> components;
    private final StructType rewards;

    RewardColumns(RewardOptions options) {
        Set<String> names = new LinkedHashSet<>();
        for (Task t : Task.values()) {
            if (options.profile().scores(t)) {
                names.addAll(t.components());
            }
        }
        for (ExtraReward e : options.extraRewardsInOrder()) {
            names.add(e.component());
        }
        this.components = List.copyOf(names);
        List<StructField> fields = new ArrayList<>();
        for (String c : components) {
            fields.add(DataTypes.createStructField(c, DataTypes.DoubleType, true));
        }
        fields.add(DataTypes.createStructField("total", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("total_f32", DataTypes.FloatType, false));
        this.rewards = DataTypes.createStructType(fields);
    }

    /** The rewards struct's type. */
    StructType rewardsType() {
        return rewards;
    }

    /** A score as the rewards struct. */
    Row rewards(RewardScore score) {
        Object[] v = new Object[components.size() + 2];
        for (Component c : score.components()) {
            int i = components.indexOf(c.name());
            if (i < 0) {
                throw new IllegalStateException("component " + c.name() + " of task " + score.task().id()
                        + " is not among the profile's " + components);
            }
            v[i] = c.value();
        }
        v[components.size()] = score.total();
        v[components.size() + 1] = score.totalF32();
        return RowFactory.create(v);
    }

    /** A score's diagnostics, as {@code vrft score} writes them. */
    static scala.collection.Map<String, String> diagnostics(RewardScore score) {
        Map<String, String> d = new LinkedHashMap<>(score.diagnostics());
        if (score.gateFired()) {
            d.put(RewardScore.GATE_DIAGNOSTIC_KEY, RewardScore.GATE_FIRED);
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(d);
    }

    /** The diagnostics of a row that was not scored. */
    static scala.collection.Map<String, String> error(String reason) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(ERROR, reason);
        return scala.jdk.javaapi.CollectionConverters.asScala(d);
    }
}
