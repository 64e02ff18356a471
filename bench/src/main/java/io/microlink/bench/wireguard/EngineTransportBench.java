package io.microlink.bench.wireguard;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packets per second through the whole engine path, one thread: {@code encrypt} is
 * {@code Engine.send} (routing, padding, counter, seal, timers); {@code encryptThenDecrypt}
 * adds {@code Engine.receive} on the peer (index lookup, replay window, open, roaming, source
 * check). {@link EngineDecryptBench} measures receive alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineTransportBench {
    @Param({"1420"})
    int size;

    private EnginePair pair;

    @Setup
    public void setUp() throws Exception {
        pair = new EnginePair(size);
        pair.handshake();
    }

    @Benchmark
    public int encrypt() {
        return pair.encrypt();
    }

    @Benchmark
    public int encryptThenDecrypt() {
        int n = pair.encrypt();
        pair.decryptLast();
        return n;
    }
}
