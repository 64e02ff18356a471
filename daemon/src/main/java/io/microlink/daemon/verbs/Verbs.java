package io.microlink.daemon.verbs;

import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.Verb;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every {@code microlink} verb, in the order {@code --help} lists them, and the API methods they serve. */
public final class Verbs {
    private Verbs() {}

    public static List<Verb> all() {
        return List.of(new DaemonVerb(), new Up(), new Down(), new Logout(), new Status(), new Ping(), new Nc(),
                new Ip(), new Whois(), new Serve(), new Web(), new Netcheck(), new Lopower(),
                new Reset(), new Debug(), new Completion(), new Man());
    }

    /** The daemon's API: every verb that is also a {@link Method}, by method name. */
    public static Map<String, Method> methods() {
        Map<String, Method> out = new LinkedHashMap<>();
        for (Verb v : all()) {
            if (v instanceof Method m) {
                out.put(m.method(), m);
            }
        }
        return out;
    }
}
