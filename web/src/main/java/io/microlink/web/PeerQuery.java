package io.microlink.web;

import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpRequest;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A page of the peer list: a search text matched against name, addresses, user and OS,
 * optional filters on online state and path, sorted by name, {@value #PAGE_SIZE} per page.
 *
 * @param page   1-based
 * @param search lower-case text to look for, empty for all
 * @param online {@code Boolean.TRUE}/{@code FALSE} to keep only online/offline peers, null for both
 * @param path   {@link PeerInfo#DIRECT}, {@link PeerInfo#DERP}, {@link PeerInfo#NONE}, or null for any
 */
record PeerQuery(int page, String search, Boolean online, String path) {
    static final int PAGE_SIZE = 25;
    private static final int MAX_SEARCH = 100;
    private static final Set<String> PATHS = Set.of(PeerInfo.DIRECT, PeerInfo.DERP, PeerInfo.NONE);

    /** One page and how many there are. */
    record Page(int page, int pageSize, int total, int pages, List<PeerInfo> peers) {}

    /** From {@code ?page=&q=&online=&path=}; a bad value is a 400 that says what is allowed. */
    static PeerQuery of(HttpRequest request) {
        String pageText = request.query("page").orElse("1");
        if (!pageText.matches("\\d{1,6}") || Integer.parseInt(pageText) < 1) {
            throw new HttpException(400, "page must be a whole number from 1, got '" + abbreviate(pageText) + "'");
        }
        String q = request.query("q").orElse("").strip();
        if (q.length() > MAX_SEARCH) {
            throw new HttpException(400, "q must be at most " + MAX_SEARCH + " characters");
        }
        Boolean online = switch (request.query("online").orElse("")) {
            case "" -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new HttpException(400, "online must be true or false");
        };
        String path = request.query("path").orElse("");
        if (!path.isEmpty() && !PATHS.contains(path)) {
            throw new HttpException(400, "path must be one of direct, derp, none");
        }
        return new PeerQuery(Integer.parseInt(pageText), q.toLowerCase(Locale.ROOT), online,
                path.isEmpty() ? null : path);
    }

    Page apply(List<PeerInfo> all) {
        List<PeerInfo> hits = all.stream().filter(this::matches)
                .sorted(Comparator.comparing(PeerInfo::name).thenComparing(PeerInfo::fqdn)).toList();
        int pages = Math.max(1, (hits.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int from = (int) Math.min(hits.size(), (long) (page - 1) * PAGE_SIZE);
        int to = Math.min(hits.size(), from + PAGE_SIZE);
        return new Page(page, PAGE_SIZE, hits.size(), pages, hits.subList(from, to));
    }

    private boolean matches(PeerInfo p) {
        if (online != null && !online.equals(p.online())) {
            return false;
        }
        if (path != null && !path.equals(p.path())) {
            return false;
        }
        return search.isEmpty() || contains(p.fqdn()) || contains(p.user()) || contains(p.os())
                || p.addresses().stream().anyMatch(this::contains);
    }

    private boolean contains(String field) {
        return field != null && field.toLowerCase(Locale.ROOT).contains(search);
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 17) + "...";
    }
}
