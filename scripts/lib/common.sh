# Shared by scripts/*: pinned versions, cache paths, and finding the toolchains.
# Sourced, never run. Progress and errors go to stderr so stdout stays usable.

MICROLINK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MICROLINK_CACHE_DIR=${MICROLINK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/microlink}
MICROLINK_TAILSCALE_VERSION=${MICROLINK_TAILSCALE_VERSION:-v1.102.3}
MICROLINK_HEADSCALE_VERSION=${MICROLINK_HEADSCALE_VERSION:-v0.29.2}
MICROLINK_GO_MIN=1.26
MICROLINK_JAVA_MIN=25

ref_dir_tailscale="$MICROLINK_CACHE_DIR/ref/tailscale-$MICROLINK_TAILSCALE_VERSION"
ref_dir_headscale="$MICROLINK_CACHE_DIR/ref/headscale-$MICROLINK_HEADSCALE_VERSION"

# Where scripts/stage-artifacts and scripts/test deploy the library artifacts, never ~/.m2 (which
# other checkouts on the machine share); examples/consumer builds against it (docs/library.md).
MICROLINK_STAGING_REPO="$MICROLINK_ROOT/target/staging-repo"
# Maven flags that deploy there and skip install:install, which the deploy phase would run.
microlink_staging_flags=(-Dmaven.install.skip=true "-DaltDeploymentRepository=staging::file:$MICROLINK_STAGING_REPO")

# Deploying reads the staging repository's metadata through the local repository, which leaves
# maven-metadata-staging.xml files (never an artifact) under ~/.m2/repository/io/microlink;
# removed, so the shared cache keeps nothing of this checkout's.
forget_staging_metadata() {
  local dir="$HOME/.m2/repository/io/microlink"
  [ -d "$dir" ] || return 0
  find "$dir" \( -name 'maven-metadata-staging.xml' -o -name 'resolver-status.properties' \) -delete
  find "$dir" -depth -type d -empty -delete
}

# The test harness finds the reference programs through these.
export MICROLINK_TAILSCALED="$ref_dir_tailscale/tailscaled"
export MICROLINK_TAILSCALE="$ref_dir_tailscale/tailscale"
export MICROLINK_DERPER="$ref_dir_tailscale/derper"
export MICROLINK_HEADSCALE="$ref_dir_headscale/headscale"

say() { printf 'microlink: %s\n' "$*" >&2; }
die() { printf 'microlink: error: %s\n' "$*" >&2; exit 1; }

# Prints the feature version of the JDK at $1 ("25"), or nothing. The JDK's `release` file
# says it without starting a JVM (which would cost every `microlink` command a second JVM
# start); only a JDK without that file is asked by running its java.
java_feature_version() {
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
  fi
}

# Sets JAVA_HOME to a JDK >= 25: JAVA_HOME first, then /usr/lib/jvm/*.
find_java() {
  local candidate v
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    v=$(java_feature_version "$candidate")
    if [ -n "$v" ] && [ "$v" -ge "$MICROLINK_JAVA_MIN" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  die "no JDK $MICROLINK_JAVA_MIN found (looked at JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/*): install Temurin $MICROLINK_JAVA_MIN and set JAVA_HOME to it"
}

# Puts a Go >= 1.26 on PATH (PATH first, then /usr/local/go/bin).
find_go() {
  local dir v
  for dir in "" /usr/local/go/bin; do
    local go_bin=${dir:+$dir/}go
    command -v "$go_bin" >/dev/null 2>&1 || continue
    v=$("$go_bin" env GOVERSION 2>/dev/null | sed 's/^go//')
    if [ -n "$v" ] && printf '%s\n%s\n' "$MICROLINK_GO_MIN" "$v" | sort -V -C; then
      [ -n "$dir" ] && export PATH="$dir:$PATH"
      return 0
    fi
  done
  die "no Go >= $MICROLINK_GO_MIN found on PATH or in /usr/local/go/bin: install Go $MICROLINK_GO_MIN or newer (needed to build the reference tailscaled and headscale)"
}

# Builds MODULE (interop: the demo; bench: the end-to-end benchmark drivers) and runs one of
# its main classes in a loopback-only network namespace, as the tests run:
# run_isolated_main MODULE [JVM options…] CLASS [ARGS…]. The class is the first argument
# after MODULE that does not start with '-'.
run_isolated_main() {
  local module=$1; shift
  find_java
  cd "$MICROLINK_ROOT"
  ./mvnw -B -q -ntp -DskipTests -pl "$module" -am package >&2
  export MICROLINK_JAVA="$JAVA_HOME/bin/java"
  local jvm_opts=()
  while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do jvm_opts+=("$1"); shift; done
  exec scripts/lib/isolated/bin/java "${jvm_opts[@]}" -cp "$module/target/classes:$(cat "$module/target/runtime-classpath.txt")" "$@"
}

# A benchmark's main as run_isolated_main runs it, with the JVM's stderr (the node's log lines)
# kept in target/bench-logs/NAME.log instead of the terminal; when it fails, the log's last
# lines, so that a run that dies before its table says why.
run_bench_main() {
  local name=$1; shift
  local log="$MICROLINK_ROOT/target/bench-logs/$name.log"
  mkdir -p "$(dirname "$log")"
  if ! (run_isolated_main bench "$@") 2>"$log"; then
    echo "microlink: $name failed; the last lines of $log:" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
}
