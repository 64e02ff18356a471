package io.microlink.interop;

/**
 * Child JVM for {@link HarnessCleanupTest}: starts headscale and a namespace, prints
 * {@code READY <dir> <headscale pid> <namespace>}, then waits to be killed.
 */
public final class TailnetHolder {
    public static void main(String[] args) throws InterruptedException {
        TestTailnet tailnet = TestTailnet.create();
        long pid = tailnet.headscale().process().pid();
        String ns = tailnet.namespaces().create("holder");
        System.out.println("READY " + tailnet.dir() + " " + pid + " " + ns);
        System.out.flush();
        Thread.sleep(600_000);
    }
}
