package io.microlink;

import io.microlink.control.wire.DerpMap;
import java.util.Objects;

/**
 * One DERP relay region of the tailnet, as status pages name it.
 *
 * <pre>{@code
 * String home = node.tailnet().derpRegion(node.homeDerpRegion()).map(DerpRegion::name).orElse("none");
 * }</pre>
 *
 * @param id   control's region ID, the number peers' home regions refer to
 * @param code the short code, e.g. {@code fra}, as {@link PingResult#path()} shows it in {@code DERP(fra)};
 *             the ID as text when control sent none
 * @param name the display name, e.g. {@code Frankfurt}; empty when control sent none
 */
public record DerpRegion(int id, String code, String name) {
    /** Checks that no component is null. */
    public DerpRegion {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(name, "name");
    }

    /** The region control lists under {@code id} in its DERP map. */
    static DerpRegion of(int id, DerpMap.Region r) {
        return new DerpRegion(id, r.regionCode() == null ? Integer.toString(id) : r.regionCode(),
                r.regionName() == null ? "" : r.regionName());
    }
}
