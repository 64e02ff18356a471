package io.microlink.web;

import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpRequest;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who may do what on one listener. On localhost the caller is the owner if it holds the
 * page's token ({@link LocalLogin}): arriving from 127.0.0.1 alone proves nothing. On the
 * tailnet the caller's address is looked up in the netmap, and only the node owner's user may
 * change anything. Every request must name this node in {@code Host} (a page on another site
 * cannot rebind its name to our address and read the API), and every change must be JSON
 * from our own pages' origin (a page on another site cannot post to us: a cross-site JSON
 * post needs a CORS preflight we never grant, and browsers label it with {@code Origin} and
 * {@code Sec-Fetch-Site}).
 */
final class Access {
    enum Role { OWNER, READER }

    private static final Set<String> LOCAL_NAMES = Set.of("localhost", "127.0.0.1", "::1");

    private final LocalLogin login;
    private final WebBackend backend;
    private final GuestAccess guests;
    private final Supplier<Set<String>> hostNames;

    /** @param login null on the tailnet listener */
    private Access(LocalLogin login, WebBackend backend, GuestAccess guests) {
        this.login = login;
        this.backend = backend;
        this.guests = guests;
        this.hostNames = login != null ? () -> LOCAL_NAMES : backend::ownNames;
    }

    /** For the listener on 127.0.0.1. */
    static Access localhost(WebBackend backend, LocalLogin login) {
        return new Access(login, backend, GuestAccess.NONE);
    }

    /** For the listener on the node's tailnet addresses. */
    static Access tailnet(WebBackend backend, GuestAccess guests) {
        return new Access(null, backend, guests);
    }

    /**
     * The caller's role for this request.
     *
     * @throws HttpException 401 for a local caller without the token, 403 for a caller who may not
     *                       make it, 421 for a Host that is not this node, 415 for a change that is not JSON
     */
    Role authorize(HttpRequest request) {
        checkHost(request);
        String host = request.header("host").orElse("");
        Role role = roleOf(request)
                .orElseThrow(() -> new HttpException(403, "only the node owner's tailnet user may use this page"));
        if (changesState(request.method())) {
            if (role != Role.OWNER) {
                throw new HttpException(403, "read-only access: only the node owner's tailnet user may change this node");
            }
            requireSameOrigin(request, host);
        }
        return role;
    }

    /**
     * Refuses a request whose Host is not a name of this node.
     *
     * @throws HttpException 421
     */
    void checkHost(HttpRequest request) {
        String host = request.header("host").orElse("");
        String name = hostName(host);
        if (hostNames.get().stream().noneMatch(own -> hostName(own).equals(name))) {
            throw new HttpException(421, "this server does not answer to Host '" + host + "'");
        }
    }

    private Optional<Role> roleOf(HttpRequest request) {
        if (login != null) {
            if (!request.remote().isLoopbackAddress() || !login.admits(request)) {
                throw new HttpException(401, LocalLogin.HOW_TO);
            }
            return Optional.of(Role.OWNER);
        }
        Optional<String> user = backend.userOf(request.remote());
        if (user.isEmpty()) {
            return Optional.empty(); // not a node of this tailnet, or a tagged one: nobody's
        }
        String owner = backend.status().user();
        if (owner != null && owner.equals(user.get())) {
            return Optional.of(Role.OWNER);
        }
        return guests == GuestAccess.READ_ONLY ? Optional.of(Role.READER) : Optional.empty();
    }

    static boolean changesState(String method) {
        return !method.equals("GET") && !method.equals("HEAD");
    }

    private static void requireSameOrigin(HttpRequest request, String host) {
        String type = request.header("content-type").orElse("");
        if (!type.toLowerCase(Locale.ROOT).matches("application/json\\s*(;.*)?")) {
            throw new HttpException(415, "changes must be sent as Content-Type: application/json");
        }
        String site = request.header("sec-fetch-site").orElse("same-origin");
        if (!site.equals("same-origin") && !site.equals("none")) {
            throw new HttpException(403, "cross-site request refused");
        }
        Optional<String> origin = request.header("origin");
        if (origin.isPresent() && !origin.get().equalsIgnoreCase("http://" + host)
                && !origin.get().equalsIgnoreCase("https://" + host)) {
            throw new HttpException(403, "cross-origin request refused");
        }
    }

    /**
     * The name in a Host header without its port and brackets, lower case; an IP literal in its
     * canonical text so that every spelling of one IPv6 address compares equal.
     */
    static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            h = close < 0 ? h : h.substring(1, close);
        } else if (h.indexOf(':') == h.lastIndexOf(':') && h.indexOf(':') >= 0) {
            h = h.substring(0, h.indexOf(':'));
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return canonicalIp(h);
    }

    static String canonicalIp(String name) {
        if (name.contains(":") || name.matches("[0-9.]+")) {
            try {
                return InetAddress.ofLiteral(name).getHostAddress();
            } catch (IllegalArgumentException e) {
                return name;
            }
        }
        return name;
    }
}
