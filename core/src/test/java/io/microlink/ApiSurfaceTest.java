package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's edge, checked: core exports only its public API (module-info.java), and
 * nothing in that API hands out or takes a type from a package it does not export, so a
 * user who sees only the exports can call every public method. The other half, that the
 * daemon, the web page and the examples use nothing else, is ModuleBoundaryTest in interop.
 */
class ApiSurfaceTest {
    private static final Module CORE = TailnetNode.class.getModule();

    @Test
    void coreRunsAsANamedModuleExportingOnlyItsApi() {
        assertThat(CORE.isNamed()).as("the tests run on the module path").isTrue();
        assertThat(unqualifiedExports(CORE.getDescriptor()))
                .containsExactlyInAnyOrder("io.microlink", "io.microlink.key");
    }

    @Test
    void theApiNamesOnlyTypesItsUsersCanSee() throws IOException {
        Set<String> visible = new TreeSet<>(unqualifiedExports(CORE.getDescriptor()));
        // What core passes on to its users with 'requires transitive' is theirs to see too.
        for (ModuleDescriptor.Requires r : CORE.getDescriptor().requires()) {
            if (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)) {
                ModuleLayer.boot().findModule(r.name())
                        .ifPresent(m -> visible.addAll(unqualifiedExports(m.getDescriptor())));
            }
        }
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : apiTypes(visible)) {
            surface(type).forEach(t -> referencedClasses(t).filter(c -> !seen(c, visible))
                    .forEach(c -> leaks.add(type.getName() + " exposes " + c.getName())));
        }
        assertThat(leaks).as("public API signatures naming internal types").isEmpty();
    }

    private static Set<String> unqualifiedExports(ModuleDescriptor d) {
        return d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
    }

    private static boolean seen(Class<?> c, Set<String> visible) {
        if (c.isPrimitive()) {
            return true;
        }
        String pkg = c.getPackageName();
        return pkg.startsWith("java.") || pkg.startsWith("javax.") || visible.contains(pkg);
    }

    /** The public classes (nested ones too) of the exported packages. */
    private static List<Class<?>> apiTypes(Set<String> exported) throws IOException {
        ModuleReference ref = ModuleLayer.boot().configuration().findModule(CORE.getName()).orElseThrow().reference();
        List<Class<?>> out = new ArrayList<>();
        try (ModuleReader reader = ref.open(); Stream<String> names = reader.list()) {
            for (String name : names.filter(n -> n.endsWith(".class") && !n.equals("module-info.class")).toList()) {
                String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                Class<?> c;
                try {
                    c = Class.forName(className, false, ApiSurfaceTest.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
                if (c.getModule() == CORE && exported.contains(c.getPackageName()) && isApi(c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** Public, and reachable: every enclosing class public too. Test classes are not in the module's code. */
    private static boolean isApi(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return !c.getSimpleName().endsWith("Test");
    }

    /** Every type a user of {@code c} meets: supertypes, members' types, parameters, exceptions. */
    private static Stream<Type> surface(Class<?> c) {
        List<Type> types = new ArrayList<>();
        if (c.getGenericSuperclass() != null) {
            types.add(c.getGenericSuperclass());
        }
        types.addAll(List.of(c.getGenericInterfaces()));
        for (Field f : c.getDeclaredFields()) {
            if (visibleMember(f.getModifiers(), c)) {
                types.add(f.getGenericType());
            }
        }
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                types.add(rc.getGenericType());
            }
        }
        List<Executable> executables = new ArrayList<>(List.of(c.getDeclaredMethods()));
        executables.addAll(List.<Constructor<?>>of(c.getDeclaredConstructors()));
        for (Executable e : executables) {
            if (!visibleMember(e.getModifiers(), c) || e.isSynthetic()) {
                continue;
            }
            if (e instanceof Method m) {
                types.add(m.getGenericReturnType());
            }
            types.addAll(List.of(e.getGenericParameterTypes()));
            types.addAll(List.of(e.getGenericExceptionTypes()));
        }
        return types.stream();
    }

    private static boolean visibleMember(int modifiers, Class<?> owner) {
        return Modifier.isPublic(modifiers) || (Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers()));
    }

    private static Stream<Class<?>> referencedClasses(Type t) {
        return switch (t) {
            case Class<?> c -> c.isArray() ? referencedClasses(c.getComponentType()) : Stream.of(c);
            case ParameterizedType p -> Stream.concat(referencedClasses(p.getRawType()),
                    Stream.of(p.getActualTypeArguments()).flatMap(ApiSurfaceTest::referencedClasses));
            case GenericArrayType g -> referencedClasses(g.getGenericComponentType());
            case WildcardType w -> Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
                    .flatMap(ApiSurfaceTest::referencedClasses);
            case TypeVariable<?> v -> Stream.empty(); // its bounds are declared where the API can see them
            default -> Stream.empty();
        };
    }
}
