package io.microlink.wireguard.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Looks up libc functions for the FFM API and reads the {@code errno} they leave behind
 * (captured by the linker, since the JVM may change the thread's errno between two calls).
 *
 * <pre>{@code
 * MethodHandle close = NativeCalls.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), NativeCalls.ERRNO);
 * int errno = NativeCalls.errno(captureSegment);
 * }</pre>
 */
public final class NativeCalls {
    /** Layout of the segment a call with {@link #ERRNO} writes its errno into. */
    public static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    /** Option for {@link #downcall}: the handle takes a {@link #CAPTURE} segment as its first argument. */
    public static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker LINKER = Linker.nativeLinker();
    private static final VarHandle ERRNO_FIELD = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private NativeCalls() {}

    /**
     * Linux, with native access enabled for this module: handles made here may be called. Only
     * this module makes handles, so it is the one module a user must name in
     * {@code --enable-native-access}.
     *
     * @return whether this is Linux and this module may make native calls
     */
    public static boolean usable() {
        return "Linux".equals(System.getProperty("os.name")) && NativeCalls.class.getModule().isNativeAccessEnabled();
    }

    /**
     * A handle on libc's {@code name}; fails if this libc has no such function.
     *
     * @param name the libc function
     * @param descriptor its C signature
     * @param options linker options, such as {@link #ERRNO}
     * @return the handle
     */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /**
     * The errno a call captured into {@code capture}.
     *
     * @param capture a segment of layout {@link #CAPTURE} that a call made with {@link #ERRNO} filled
     * @return the captured errno
     */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO_FIELD.get(capture, 0L);
    }
}
