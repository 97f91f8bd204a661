# Shared by the lab benchmarks (wire-bench.sh, sync-bench.sh); sourced, not run. The caller sets
# bench (its name in messages), home, lab (deploy/lab/lab.sh), name (the lab's prefix), logs and
# keep_logs, and defines stop_started, which stops whatever it started (called at exit).

log() { echo "$bench: $*" >&2; }

inns() { local n=$1; shift; ip netns exec "$n" "$@"; }

# SIGTERM, then SIGKILL after 10 s: a director that hangs on its way out still goes.
stop_pid() {
  local p=$1
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$p" 2>/dev/null || true
  fi
}

lab_down() {
  [ -d "/run/actorvs-lab/$name" ] || ip netns list | grep -q "^${name}" || return 0
  timeout 120 "$lab" down --name "$name" >/dev/null 2>&1 || true
}

watchdog=
bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  stop_started
  lab_down
  if [ -n "$watchdog" ]; then pkill -P "$watchdog" sleep 2>/dev/null || true; kill "$watchdog" 2>/dev/null || true; fi
  [ "$keep_logs" -eq 0 ] && rm -rf "$logs"
  exit $rc
}

# The EXIT trap stops what was started and removes the lab, also after a failure or a signal.
bench_traps() {
  trap bench_cleanup EXIT
  trap 'log "interrupted"; exit 130' INT TERM
  trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR
}

# Bounds the whole run: after $1 seconds the watchdog signals this shell, whose trap cleans up. A
# sleep ended by the cleanup fails, so the shell is only signalled when the time is up.
bench_watchdog() {
  ( sleep "$1" && { log "time budget of $1 s exceeded"; kill -TERM $$; } ) 2>/dev/null &
  watchdog=$!
}

# The jar as bin/actorvs would run it, built (offline) here when missing or stale so that bin/actorvs
# does not build inside a measurement. ACTORVS_CLASSPATH (a test's own class path) runs Main from it
# instead, and then nothing is built.
bench_jar() {
  local jar="$home/target/actorvs-0.1.0-SNAPSHOT.jar"
  if [ -z "${ACTORVS_CLASSPATH:-}" ] && { [ ! -f "$jar" ] || [ -n "$(find "$home/src/main" "$home/pom.xml" -newer "$jar" -print -quit)" ]; }; then
    log "building $jar"
    (cd "$home" && timeout 600 mvn -q -o -B -DskipTests package) >&2
  fi
}

# The command that runs a director: bin/actorvs as deployed, or Main from ACTORVS_CLASSPATH.
director_launcher() {
  launcher=("$home/bin/actorvs")
  [ -n "${ACTORVS_CLASSPATH:-}" ] && launcher=(java ${ACTORVS_JAVA_OPTS:-} -cp "$ACTORVS_CLASSPATH" org.actorvs.runtime.Main)
  return 0
}
