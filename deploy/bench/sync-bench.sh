#!/usr/bin/env bash
# Sync traffic benchmark: the connection sync an active/backup ActorVS pair exchanges while it carries
# load. Builds the two-director NAT lab (deploy/lab/lab.sh --directors 2), starts d1 and d2 with
# conf/examples/nat-pair-d1.conf and -d2.conf (d1 the VRRP master and sync master, d2 the backup),
# runs wrk from the client namespace against http://10.77.0.100/ and reads both directors' sync
# counters (admin API, GET /api/sync) before and after each measurement.
#
#   deploy/bench/sync-bench.sh [--duration S] [--runs N] [--connections C] [--threads T]
#                              [--logs DIR] [--smoke]
#
#   --duration     seconds per measurement (default 10)
#   --runs         runs, each a fresh lab and pair measuring both modes (default 3)
#   --connections  wrk connections (default 50); --threads wrk threads (default 2)
#   --smoke        2 s per measurement, 1 run, short warm-up: proves the set-up, measures nothing
#   --logs         keep the director logs, captures and raw wrk output there (default: a temporary
#                  directory, removed at exit)
#
# Two modes: keep-alive (wrk -t2 -c50) and new connections (the same with "Connection: close", so
# each request is a TCP connection of its own). Per mode: requests/s; d1's sync messages, entries,
# entries per message and queue drops (messages dropped or failed to send); d2's messages received,
# entries applied and rejects (bogus or of another syncid); the connections each director holds at
# the end; both directors' CPU over the measurement (/proc/PID/stat, 100% = one core). The sync bytes
# are counted on the wire: tcpdump on d2's back-LAN interface captures d1's datagrams to
# 224.0.0.81:8848, giving the UDP payload and the frame (payload + UDP + IPv4 + Ethernet header) bytes,
# and a cross-check of d1's message count. Counters are read after a settle longer than the
# master's 2 s flush time (IPVS_SYNC_FLUSH_TIME), so a measurement's last partly filled messages are
# its own; rates divide by the wrk run's wall time. ACTORVS_JAVA_OPTS passes JVM options to both
# directors; with ACTORVS_CLASSPATH set, Main runs from that class path instead of bin/actorvs (how
# the smoke test runs it). The result is a markdown table on stdout; progress goes to stderr.
#
# Every step is bounded in time, a watchdog bounds the whole, and an EXIT trap stops what was started
# and removes the lab. Traffic stays inside the lab's namespaces. Needs root, wrk, tcpdump, curl and a
# built jar (built here, offline, if stale).
set -Eeuo pipefail

home="$(cd "$(dirname "$0")/../.." && pwd)"
lab="$home/deploy/lab/lab.sh"
duration=10
runs=3
connections=50
threads=2
warmup=2
logs=
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --logs) logs=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    -h|--help) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sync-bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ $smoke -eq 1 ]; then duration=2; runs=1; warmup=1; fi

for v in duration runs connections threads; do
  case "${!v}" in ''|*[!0-9]*|0) echo "sync-bench: --$v must be a positive integer" >&2; exit 2 ;; esac
done
[ "$(id -u)" -eq 0 ] || { echo "sync-bench: needs root (network namespaces)" >&2; exit 1; }
for tool in wrk tcpdump curl ip java; do
  command -v "$tool" >/dev/null || { echo "sync-bench: '$tool' is not installed" >&2; exit 1; }
done

VIP=10.77.0.100
URL="http://$VIP/"
ADMIN=http://127.0.0.1:9080
# d1's sync datagrams: its back-LAN address to the kernel's default group and port.
SYNC_FILTER="udp and src host 10.78.0.1 and dst host 224.0.0.81 and dst port 8848"
# Longer than the master's 2 s flush of a partly filled message, plus a shard tick and the backup's apply.
settle=4
name="avsb$(printf '%04d' $((RANDOM % 10000)))"
cns="${name}c1"
hz=$(getconf CLK_TCK)
keep_logs=1
if [ -z "$logs" ]; then logs=$(mktemp -d /tmp/sync-bench.XXXXXX); keep_logs=0; fi
mkdir -p "$logs"
results="$logs/results.tsv"
: >"$results"; : >"$logs/idle.tsv"
declare -A pid=([d1]= [d2]=)
capture_pid=
bench=sync-bench
# shellcheck source=common.sh
. "$home/deploy/bench/common.sh"

stop_pair() {
  stop_pid "$capture_pid"; capture_pid=
  stop_pid "${pid[d2]}"; pid[d2]=
  stop_pid "${pid[d1]}"; pid[d1]=
}

stop_started() { stop_pair; }
bench_traps

# The whole run is bounded: per run the lab, two director start-ups and elections, and per mode the
# warm-up, two settles and the measurement, with a generous allowance for a loaded machine.
budget=$((runs * (2 * (duration + warmup + 2 * settle) + 420) + 120))
bench_watchdog "$budget"
bench_jar

# The last VRRP role a director logged ("VRRP instance 51 on eth0: MASTER"), or "none".
role() {
  local r
  r=$(grep -o 'VRRP instance .*: [A-Z]*$' "$logs/$1-run$2.log" 2>/dev/null | tail -n 1 | sed 's/.*: //') || true
  echo "${r:-none}"
}

role_changes() { grep -c 'VRRP instance .*: [A-Z]*$' "$logs/$1-run$2.log" 2>/dev/null || true; }

# Starts director $1 (d1 or d2) with its pair example and waits until it serves and holds role $3.
# ip netns exec and bin/actorvs both exec, so $! is the JVM.
start_director() {
  local d=$1 run=$2 want=$3 out="$logs/$1-run$2.log"
  local launcher
  director_launcher
  : >"$out"
  (cd "$home" && exec ip netns exec "${name}$d" "${launcher[@]}" run --config "$home/conf/examples/nat-pair-$d.conf") \
    >"$out" 2>&1 &
  pid[$d]=$!
  local deadline=$((SECONDS + 90))
  until grep -q "virtual services on" "$out" && [ "$(role "$d" "$run")" = "$want" ]; do
    kill -0 "${pid[$d]}" 2>/dev/null && [ $SECONDS -lt $deadline ] \
      || { log "$d did not serve as $want in 90 s:"; cat "$out" >&2; return 1; }
    sleep 0.3
  done
}

# Waits until director $1's admin API lists a running sync daemon of role $2.
await_daemon() {
  local deadline=$((SECONDS + 30))
  until inns "${name}$1" curl -sf --max-time 2 "$ADMIN/api/sync" 2>/dev/null | grep -q "\"role\":\"$2\""; do
    [ $SECONDS -lt $deadline ] || { log "$1 runs no $2 sync daemon after 30 s"; return 1; }
    sleep 0.3
  done
}

# Waits until the VIP answers from the client namespace: a real server's name, r1..r3.
await_vip() {
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    if inns "$cns" curl -s --max-time 1 "$URL" 2>/dev/null | grep -q '^r[123]$'; then return 0; fi
    sleep 0.3
  done
  log "the VIP does not answer"
  return 1
}

# A director's figures as "messagesSent entriesSent drops received applied skipped rejects connections":
# drops are messages dropped (queue full) or not sent (socket error); rejects are datagrams dropped
# whole as bogus plus those of another syncid; connections is the table's total.
snapshot() {
  local ns="${name}$1" sync conns
  sync=$(inns "$ns" curl -sf --max-time 5 "$ADMIN/api/sync") || { log "$1: GET /api/sync failed"; return 1; }
  conns=$(inns "$ns" curl -sf --max-time 10 "$ADMIN/api/connections?limit=1") \
    || { log "$1: GET /api/connections failed"; return 1; }
  printf '%s %s\n' "$sync" "$conns" | tr -d '\n' | awk '
    function num(key,   r) {
      if (!match($0, "\"" key "\" *: *[0-9]+")) { bad = bad " " key; return 0 }
      r = substr($0, RSTART, RLENGTH); sub(/.*: */, "", r); return r
    }
    {
      rejects = num("filtered")
      if (match($0, /"rejected" *: *\{[^}]*\}/)) {
        s = substr($0, RSTART, RLENGTH)
        while (match(s, /: *[0-9]+/)) { v = substr(s, RSTART, RLENGTH); sub(/: */, "", v); rejects += v; s = substr(s, RSTART + RLENGTH) }
      } else bad = bad " rejected"
      line = num("messagesSent") " " num("entriesSent") " " (num("messagesDropped") + num("sendErrors")) " " \
        num("datagramsReceived") " " num("entriesApplied") " " num("entriesSkipped") " " rejects " " num("total")
      if (bad != "") { print "missing" bad > "/dev/stderr"; exit 1 }
      print line
    }'
}

cpu_ticks() {
  # Fields 14 and 15 (utime, stime) after the parenthesised command name.
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# CPU % (100 = one core) from ticks $1 to $2 over wall-clock seconds $3 to $4.
cpu_pct() { awk -v a="$1" -v b="$2" -v s="$3" -v t="$4" -v hz="$hz" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / (t - s) }'; }

# Both directors' CPU with the pair up and no traffic: what the load's figures include anyway.
idle_cpu() {
  local t0 t1 a0 a1 b0 b1
  t0=$(date +%s.%N); a0=$(cpu_ticks "${pid[d1]}"); b0=$(cpu_ticks "${pid[d2]}")
  sleep "$settle"
  t1=$(date +%s.%N); a1=$(cpu_ticks "${pid[d1]}"); b1=$(cpu_ticks "${pid[d2]}")
  printf '%s\t%s\t%s\n' "$1" "$(cpu_pct "$a0" "$a1" "$t0" "$t1")" "$(cpu_pct "$b0" "$b1" "$t0" "$t1")" >>"$logs/idle.tsv"
}

# Keeps a director's connection counts by protocol and state (its metrics, summed over shards) for reading.
save_states() {
  inns "${name}$1" curl -sf --max-time 10 http://127.0.0.1:9410/metrics 2>/dev/null \
    | awk -F'[{}]' '/^actorvs_shard_connections\{/ { gsub(/[a-z]+="|"/, "", $2); split($2, l, ","); n[l[1] " " l[3]] += $3 }
        END { for (k in n) if (n[k] > 0) printf "%s %d\n", k, n[k] }' | sort >"$2" || true
}

# Captures d1's sync datagrams as d2's back-LAN interface receives them, until stop_capture.
start_capture() {
  : >"$1.log"
  ip netns exec "${name}d2" tcpdump -i eth1 -U -nn -w "$1" "$SYNC_FILTER" 2>"$1.log" &
  capture_pid=$!
  local deadline=$((SECONDS + 10))
  until grep -q "listening on" "$1.log"; do
    kill -0 "$capture_pid" 2>/dev/null && [ $SECONDS -lt $deadline ] || { log "tcpdump did not start:"; cat "$1.log" >&2; return 1; }
    sleep 0.1
  done
}

# Stops the capture (SIGINT: tcpdump writes out what it holds).
stop_capture() {
  kill -INT "$capture_pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$capture_pid" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$capture_pid"; capture_pid=
  if grep -q "[1-9][0-9]* packets* dropped by kernel" "$1.log"; then log "tcpdump: $(grep 'dropped by kernel' "$1.log")"; fi
}

# Prints a capture's "packets payload-bytes frame-bytes" (frame = Ethernet header + IPv4 + UDP + payload).
count_capture() {
  # "... ethertype IPv4 (0x0800), length 1490: 10.78.0.1.42152 > 224.0.0.81.8848: UDP, length 1448"
  timeout 60 tcpdump -r "$1" -nn -e 2>/dev/null | awk '
    { frame = ""; for (i = 1; i < NF; i++) if ($i == "length") { if (frame == "") frame = $(i + 1); udp = $(i + 1) }
      sub(/:$/, "", frame); n++; f += frame; u += udp }
    END { printf "%d %d %d\n", n, u, f }'
}

warm() {
  local header=()
  [ "$1" = close ] && header=(-H "Connection: close")
  timeout $((warmup + 30)) ip netns exec "$cns" wrk -t"$threads" -c"$connections" -d"${warmup}s" \
    "${header[@]}" "$URL" >/dev/null 2>&1 || true
}

# One measurement; appends to the results: run mode load req/s requests errors seconds, d1's and d2's
# counter deltas (as snapshot, less connections), their connections at the end, the wire counts,
# both CPU figures and the role lines the directors logged meanwhile.
measure() {
  local run=$1 mode=$2 out="$logs/wrk-$1-$2.txt" pcap="$logs/sync-$1-$2.pcap" header=()
  [ "$mode" = close ] && header=(-H "Connection: close")
  warm "$mode"
  sleep "$settle"
  [ "$(role d1 "$run")" = MASTER ] && [ "$(role d2 "$run")" = BACKUP ] \
    || { log "roles before $mode: d1 $(role d1 "$run"), d2 $(role d2 "$run")"; return 1; }
  local roles0 load
  roles0=$(( $(role_changes d1 "$run") + $(role_changes d2 "$run") ))
  load=$(cut -d' ' -f1 /proc/loadavg)
  start_capture "$pcap"
  local s1 s2 t0 t1 a0 a1 b0 b1
  s1=$(snapshot d1); s2=$(snapshot d2)
  t0=$(date +%s.%N); a0=$(cpu_ticks "${pid[d1]}"); b0=$(cpu_ticks "${pid[d2]}")
  timeout $((duration + 30)) ip netns exec "$cns" wrk -t"$threads" -c"$connections" -d"${duration}s" \
    "${header[@]}" "$URL" >"$out" 2>&1 || { log "wrk failed in mode $mode:"; cat "$out" >&2; return 1; }
  t1=$(date +%s.%N); a1=$(cpu_ticks "${pid[d1]}"); b1=$(cpu_ticks "${pid[d2]}")
  sleep "$settle"
  local e1 e2 wire roles1
  e1=$(snapshot d1); e2=$(snapshot d2)
  stop_capture "$pcap"
  wire=$(count_capture "$pcap")
  save_states d1 "$logs/states-$run-$mode-d1.txt"
  save_states d2 "$logs/states-$run-$mode-d2.txt"
  roles1=$(( $(role_changes d1 "$run") + $(role_changes d2 "$run") ))
  local rate requests errors
  rate=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
  requests=$(awk '/ requests in / { print $1 }' "$out")
  errors=$(awk '/Socket errors:/ { gsub(",", ""); n = $4 + $6 + $8 + $10 } /Non-2xx/ { n += $NF } END { print n + 0 }' "$out")
  awk -v run="$run" -v mode="$mode" -v load="$load" -v rate="${rate:-0}" -v requests="${requests:-0}" \
      -v errors="$errors" -v t0="$t0" -v t1="$t1" -v s1="$s1" -v e1="$e1" -v s2="$s2" -v e2="$e2" \
      -v wire="$wire" -v cpu1="$(cpu_pct "$a0" "$a1" "$t0" "$t1")" -v cpu2="$(cpu_pct "$b0" "$b1" "$t0" "$t1")" \
      -v roles=$((roles1 - roles0)) 'BEGIN {
    split(s1, a, " "); split(e1, b, " "); split(s2, c, " "); split(e2, d, " ")
    line = run "\t" mode "\t" load "\t" rate "\t" requests "\t" errors "\t" sprintf("%.3f", t1 - t0)
    for (i = 1; i <= 7; i++) line = line "\t" (b[i] - a[i])
    for (i = 1; i <= 7; i++) line = line "\t" (d[i] - c[i])
    line = line "\t" b[8] "\t" d[8]
    n = split(wire, w, " "); for (i = 1; i <= 3; i++) line = line "\t" (n == 3 ? w[i] : 0)
    print line "\t" cpu1 "\t" cpu2 "\t" roles
  }' >>"$results"
  log "run $run $mode (load $load): $(tail -n 1 "$results" | awk -F'\t' '{ printf "%s req/s, %s errors; d1 sent %s msgs, %s entries, %s drops; wire %s packets; d2 received %s msgs, applied %s entries, %s rejects; connections %s / %s; CPU %s%% / %s%%", $4, $6, $8, $9, $10, $24, $18, $19, $21, $22, $23, $27, $28 }')"
}

# Columns of the results, 1-based: 1 run, 2 mode, 3 load, 4 req/s, 5 requests, 6 errors, 7 seconds,
# d1 deltas 8 sent 9 entries 10 drops 11 received 12 applied 13 skipped 14 rejects,
# d2 deltas 15 sent 16 entries 17 drops 18 received 19 applied 20 skipped 21 rejects,
# 22 d1 connections, 23 d2 connections, 24 wire packets, 25 payload bytes, 26 frame bytes,
# 27 d1 CPU %, 28 d2 CPU %, 29 role lines logged during the measurement.
report() {
  local median='function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }'
  awk -F'\t' -v runs="$runs" -v dur="$duration" -v conns="$connections" -v thr="$threads" "$median"'
    function add(key, v) { vals[m SUBSEP key] = (m SUBSEP key in vals) ? vals[m SUBSEP key] " " v : v }
    function med(key) { return median(vals[m SUBSEP key]) }
    {
      m = $2; s = $7
      add("rate", $4); add("msgs", $8 / s); add("entries", $9 / s); add("epm", $8 ? $9 / $8 : 0)
      add("payload", $25 / s); add("frame", $26 / s)
      add("bpr", $5 ? $25 / $5 : 0); add("fpr", $5 ? $26 / $5 : 0); add("epr", $5 ? $9 / $5 : 0)
      add("drops", $10); add("recv", $18 / s); add("applied", $19 / s); add("rejects", $21)
      add("c1", $22); add("c2", $23); add("cpu1", $27); add("cpu2", $28)
      rows[++nrows] = $0
    }
    END {
      label["keepalive"] = "keep-alive"; label["close"] = "new connections"
      printf "## Sync traffic: NAT pair d1 (master) -> d2 (backup), wrk -t%d -c%d -d%ds, %d run(s), medians\n\n", thr, conns, dur, runs
      print "| mode | req/s | d1 sync msgs/s | entries/s | entries/msg | UDP payload B/s | frames B/s | sync B per request (payload / frame) | entries per request | d1 queue drops | d2 msgs received/s | d2 entries applied/s | d2 rejects | connections at end d1 / d2 | CPU d1 / d2 (100% = 1 core) |"
      print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (k = 1; k <= 2; k++) {
        m = k == 1 ? "keepalive" : "close"
        if (!((m SUBSEP "rate") in vals)) continue
        printf "| %s | %.0f | %.1f | %.0f | %.1f | %.0f | %.0f | %.2f / %.2f | %.3f | %d | %.1f | %.0f | %d | %d / %d | %.0f%% / %.0f%% |\n",
          label[m], med("rate"), med("msgs"), med("entries"), med("epm"), med("payload"), med("frame"),
          med("bpr"), med("fpr"), med("epr"), med("drops"), med("recv"), med("applied"), med("rejects"),
          med("c1"), med("c2"), med("cpu1"), med("cpu2")
      }
      print ""
      print "Per run (counts over the measurement and its settle; wire = d1 datagrams captured on d2 eth1):"
      print ""
      print "| run | mode | load | req/s | requests | d1 msgs sent | wire packets | d2 msgs received | d1 entries sent | d2 entries applied | d2 rejects | role changes | wrk errors |"
      print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (i = 1; i <= nrows; i++) {
        split(rows[i], f, "\t")
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", f[1], label[f[2]], f[3], f[4], f[5],
          f[8], f[24], f[18], f[9], f[19], f[21], f[29], f[6]
      }
    }' "$results"
  echo
  awk -F'\t' "$median"'
    { d1 = d1 " " $2; d2 = d2 " " $3 }
    END { if (NR) printf "Idle CPU, the pair up without traffic (median of %d): d1 %.0f%%, d2 %.0f%%.\n", NR, median(d1), median(d2) }' \
    "$logs/idle.tsv"
  echo "Load average: the 1-minute figure when each measurement started (column load); other work on the machine makes these figures noisy."
  echo "Machine: $(nproc) cores, $(uname -r). Raw output: $logs$([ $keep_logs -eq 0 ] && echo ' (removed)')"
}

for run in $(seq "$runs"); do
  log "run $run of $runs (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout 180 "$lab" up --topology nat --directors 2 --name "$name" >/dev/null
  start_director d1 "$run" MASTER
  start_director d2 "$run" BACKUP
  await_daemon d1 master
  await_daemon d2 backup
  await_vip
  idle_cpu "$run"
  measure "$run" keepalive
  measure "$run" close
  stop_pair
  lab_down
done

report
