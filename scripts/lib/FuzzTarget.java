import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one Jazzer {@code @FuzzTest} method through the JUnit platform, in a JVM of its own as
 * Jazzer's fuzzing mode needs (libFuzzer runs once per process). scripts/fuzz launches it as a
 * source file on a module's test class path, so no Maven start-up is paid per target:
 * {@code java -cp CLASSPATH FuzzTarget.java io.microlink.stun.StunFuzzTest parseResponse}.
 * Exits 1 when the target failed (a finding), 0 otherwise.
 */
public final class FuzzTarget {
    private FuzzTarget() {}

    public static void main(String[] args) throws ClassNotFoundException {
        if (args.length != 2) {
            System.err.println("usage: FuzzTarget CLASS METHOD");
            System.exit(2);
        }
        Class<?> target = Class.forName(args[0]);
        // A fuzz test takes a parameter (byte[] or FuzzedDataProvider): select it by name alone.
        Method method = Arrays.stream(target.getDeclaredMethods()).filter(m -> m.getName().equals(args[1]))
                .findFirst().orElse(null);
        if (method == null) {
            System.err.println("no fuzz test " + args[0] + "#" + args[1]);
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(target, method)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        summary.getFailures().forEach(f -> System.err.println("finding: " + f.getException()));
        System.exit(summary.getTotalFailureCount() == 0 ? 0 : 1);
    }
}
