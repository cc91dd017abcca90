package io.github.vrft.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The tests' SparkSession, one per test class: local[2], no UI, loopback, few shuffle partitions, small input
 * splits.
 */
abstract class LocalSpark {
    static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = start();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** Input splits of 256 KiB, so that a test file is read as several partitions and groups straddle them. */
    static final String SPLIT = String.valueOf(256 << 10);

    static SparkSession start() {
        return SparkSession.builder().master("local[2]").appName("vrft-spark-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.files.maxPartitionBytes", SPLIT)
                .config("spark.sql.files.openCostInBytes", "0")
                .getOrCreate();
    }
}
