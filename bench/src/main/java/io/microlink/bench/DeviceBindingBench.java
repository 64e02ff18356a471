package io.microlink.bench;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What readying one host socket costs in TUN mode or with uplinks: {@code uplink.DeviceBinding}
 * finds the socket among the process's descriptors by its local port, so the cost grows with
 * the sockets the process holds. Measured through {@code DeviceBinding.markOf} (the same search,
 * then one {@code getsockopt}; needs no privilege), with {@code sockets} other UDP sockets open.
 * The class is internal to core: on the benchmark jar's class path it is reached by reflection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DeviceBindingBench {
    @Param({"20", "200"})
    int sockets;

    private final List<DatagramSocket> others = new ArrayList<>();
    private Socket sought;
    private MethodHandle markOf;

    @Setup
    public void setUp() throws Exception {
        Class<?> binding = Class.forName("io.microlink.uplink.DeviceBinding");
        var method = binding.getDeclaredMethod("markOf", boolean.class, int.class);
        method.setAccessible(true);
        markOf = MethodHandles.lookup().unreflect(method).asType(MethodType.methodType(int.class, boolean.class,
                int.class));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int i = 0; i < sockets; i++) {
            others.add(new DatagramSocket(new InetSocketAddress(loopback, 0)));
        }
        sought = new Socket();
        sought.bind(new InetSocketAddress(loopback, 0));
    }

    @TearDown
    public void tearDown() throws IOException {
        sought.close();
        for (DatagramSocket s : others) {
            s.close();
        }
    }

    @Benchmark
    public int findAndReadMark() throws Throwable {
        return (int) markOf.invokeExact(false, sought.getLocalPort());
    }
}
