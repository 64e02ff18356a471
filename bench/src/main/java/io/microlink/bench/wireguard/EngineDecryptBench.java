package io.microlink.bench.wireguard;

import io.microlink.wireguard.session.Counters;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packets per second of {@code Engine.receive} alone for 1420-byte packets, one thread: before
 * each invocation (not timed) the peer encrypts a batch with fresh counters, which the
 * benchmark then decrypts, so the replay window accepts every one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineDecryptBench {
    private static final int BATCH = 256;

    private final EnginePair pair = new EnginePair(1420);
    private final byte[][] batch = new byte[BATCH][];
    private final int[] lengths = new int[BATCH];

    @Setup(Level.Trial)
    public void handshake() throws Exception {
        pair.handshake();
    }

    @Setup(Level.Invocation)
    public void encryptBatch() {
        for (int i = 0; i < BATCH; i++) {
            pair.encrypt();
            batch[i] = pair.wireCopy();
            lengths[i] = batch[i].length;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decrypt() {
        for (int i = 0; i < BATCH; i++) {
            pair.decrypt(batch[i], lengths[i]);
        }
    }

    @TearDown(Level.Trial)
    public void check() {
        // Every packet must have been accepted, or the figure would measure drops.
        long dropped = pair.receiverCounters().snapshot().entrySet().stream()
                .filter(e -> e.getKey().startsWith("dropped")).mapToLong(e -> e.getValue()).sum();
        if (dropped != 0 || pair.receiverCounters().get(Counters.Event.HANDSHAKES_COMPLETED) != 1) {
            throw new IllegalStateException("receiver dropped packets: " + pair.receiverCounters());
        }
    }
}
