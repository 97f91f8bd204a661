#!/usr/bin/env bash
# Wire benchmark: ActorVS against the kernel (nftables DNAT) and HAProxy (TCP mode), each as the
# director d1 of a fresh NAT lab (deploy/lab/lab.sh), measured with wrk from the client namespace
# against http://10.77.0.100/.
#
#   deploy/bench/wire-bench.sh [--duration S] [--runs N] [--connections C] [--threads T]
#                              [--peers "actorvs kernel haproxy"] [--logs DIR] [--smoke]
#
#   --duration     seconds per measurement (default 10)
#   --runs         measurements per peer and mode; peers are interleaved within each run (default 3)
#   --connections  wrk connections (default 50); --threads wrk threads (default 2)
#   --smoke        2 s per measurement, 1 run, short warm-up: proves the set-up, measures nothing
#   --logs         keep the director logs and raw wrk output there (default: a temporary directory,
#                  removed at exit)
#   --report FILE  print the table of an earlier run from its DIR/results.tsv (with that run's
#                  --duration/--connections/--threads), measuring nothing
#
# The ActorVS peer is bin/actorvs (ACTORVS_JAVA_OPTS passes JVM options, e.g. a flight recording);
# with ACTORVS_CLASSPATH set, Main runs from that class path instead (how the smoke test runs it).
#
# Two modes per peer: keep-alive requests/s (wrk -t2 -c50 -d10s) and new connections/s (the same
# with "Connection: close", so each request is a TCP connection of its own). For ActorVS and HAProxy
# the director's CPU (from /proc/PID/stat utime+stime over the measurement, 100% = one core) and RSS
# (VmRSS at the end of it) are reported; the kernel peer works in softirq context, which no process
# is charged for. The result is a markdown table on stdout; progress goes to stderr.
#
# Each (run, peer) gets a lab of its own: leftover TCP state on the real servers skews a following
# peer (shared/reference/lab-notes.md). Every step is bounded in time, a watchdog bounds the whole,
# and an EXIT trap stops what was started and removes the lab. Traffic stays inside the lab's
# namespaces. Needs root, wrk, nft, haproxy, curl and a built jar (built here, offline, if stale).
set -Eeuo pipefail

home="$(cd "$(dirname "$0")/../.." && pwd)"
lab="$home/deploy/lab/lab.sh"
duration=10
runs=3
connections=50
threads=2
warmup=2
peers="actorvs kernel haproxy"
logs=
smoke=0
report_from=
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    --logs) logs=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --report) report_from=$2; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "wire-bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ $smoke -eq 1 ]; then duration=2; runs=1; warmup=1; fi

# The report: medians over the runs, spread = (max - min) / median, and ActorVS's ratios to the others.
report() {
  awk -F'\t' -v runs="$runs" -v dur="$duration" -v conns="$connections" -v thr="$threads" \
      -v peers="$peers" '
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function spread(list,   a, n, i, lo, hi, m) {
      n = split(list, a, " "); lo = hi = a[1]
      for (i = 2; i <= n; i++) { if (a[i] + 0 < lo + 0) lo = a[i]; if (a[i] + 0 > hi + 0) hi = a[i] }
      m = median(list); return m > 0 ? sprintf("%.0f%%", 100 * (hi - lo) / m) : "-"
    }
    function add(key, v) { vals[key] = (key in vals) ? vals[key] " " v : v }
    {
      add($2 SUBSEP $3, $4); err[$2 SUBSEP $3] += $5
      if ($6 != "-") add("cpu" SUBSEP $2 SUBSEP $3, $6)
      if ($7 != "-") add("rss" SUBSEP $2 SUBSEP $3, $7)
      rate[$1 SUBSEP $2 SUBSEP $3] = $4
    }
    END {
      np = split(peers, P, " ")
      printf "## Wire benchmark: NAT lab, wrk -t%d -c%d -d%ds, %d run(s), medians\n\n", thr, conns, dur, runs
      print "| peer | keep-alive req/s | spread | new conn/s | spread | errors (ka/close) | director CPU ka / close (100% = 1 core) | director RSS MB |"
      print "|---|---:|---:|---:|---:|---:|---:|---:|"
      for (i = 1; i <= np; i++) {
        p = P[i]; ka = p SUBSEP "keepalive"; cl = p SUBSEP "close"
        cpu = ("cpu" SUBSEP ka in vals) ? sprintf("%.0f%% / %.0f%%", median(vals["cpu" SUBSEP ka]), median(vals["cpu" SUBSEP cl])) : "softirq, not attributed"
        rss = ("rss" SUBSEP ka in vals) ? sprintf("%.0f / %.0f", median(vals["rss" SUBSEP ka]), median(vals["rss" SUBSEP cl])) : "-"
        printf "| %s | %.0f | %s | %.0f | %s | %d / %d | %s | %s |\n", p, median(vals[ka]), spread(vals[ka]),
          median(vals[cl]), spread(vals[cl]), err[ka], err[cl], cpu, rss
      }
      print ""
      print "Per run (requests/s, keep-alive | new connections):"
      print ""
      hdr = "| run |"; sep = "|---|"
      for (i = 1; i <= np; i++) { hdr = hdr " " P[i] " |"; sep = sep "---:|" }
      print hdr; print sep
      for (r = 1; r <= runs; r++) {
        line = "| " r " |"
        for (i = 1; i <= np; i++) line = line " " rate[r SUBSEP P[i] SUBSEP "keepalive"] " \\| " rate[r SUBSEP P[i] SUBSEP "close"] " |"
        print line
      }
      if (index(" " peers " ", " actorvs ")) {
        print ""
        for (i = 1; i <= np; i++) {
          p = P[i]; if (p == "actorvs") continue
          for (m = 1; m <= 2; m++) {
            mode = m == 1 ? "keepalive" : "close"; list = ""
            for (r = 1; r <= runs; r++) {
              b = rate[r SUBSEP p SUBSEP mode]
              if (b > 0) list = list sprintf(" %.2f", rate[r SUBSEP "actorvs" SUBSEP mode] / b)
            }
            if (list != "") printf "- ActorVS/%s, %s: %.2f (median of per-run ratios:%s)\n", p, mode == "keepalive" ? "keep-alive" : "new connections", median(list), list
          }
        }
      }
    }' "$results"
  echo
  echo "Load average before each run (other work on the machine makes these figures noisy; compare peers within a run):"
  sed 's/^/- /' "$logs/loads.txt" 2>/dev/null || echo "- not recorded"
  echo "Machine: $(nproc) cores, $(uname -r). Raw output: $logs$([ $keep_logs -eq 0 ] && echo ' (removed)')"
}

if [ -n "$report_from" ]; then
  # Re-renders the table of an earlier run (its --logs directory's results.tsv).
  results=$report_from; logs=$(dirname "$report_from"); keep_logs=1
  runs=$(awk -F'\t' '$1 > n { n = $1 } END { print n + 0 }' "$results")
  peers=$(awk -F'\t' '!seen[$2]++ { printf "%s ", $2 }' "$results")
  report
  exit 0
fi

for v in duration runs connections threads; do
  case "${!v}" in ''|*[!0-9]*|0) echo "wire-bench: --$v must be a positive integer" >&2; exit 2 ;; esac
done
for p in $peers; do
  case "$p" in actorvs|kernel|haproxy) ;; *) echo "wire-bench: unknown peer '$p'" >&2; exit 2 ;; esac
done
[ "$(id -u)" -eq 0 ] || { echo "wire-bench: needs root (network namespaces)" >&2; exit 1; }
for tool in wrk nft haproxy curl ip java; do
  command -v "$tool" >/dev/null || { echo "wire-bench: '$tool' is not installed" >&2; exit 1; }
done

VIP=10.77.0.100
URL="http://$VIP/"
name="avb$(printf '%04d' $((RANDOM % 10000)))"
cns="${name}c1"
dns="${name}d1"
hz=$(getconf CLK_TCK)
keep_logs=1
if [ -z "$logs" ]; then logs=$(mktemp -d /tmp/wire-bench.XXXXXX); keep_logs=0; fi
mkdir -p "$logs"
results="$logs/results.tsv"
: >"$results"; : >"$logs/loads.txt"
peer_pid=
bench=wire-bench
# shellcheck source=common.sh
. "$home/deploy/bench/common.sh"

stop_peer() { stop_pid "$peer_pid"; peer_pid=; }
stop_started() { stop_peer; }
bench_traps

# The whole run is bounded: lab set-up, start-up, warm-up and both measurements per (run, peer),
# with a generous allowance for a loaded machine. The watchdog signals this shell, whose trap cleans up.
npeers=$(wc -w <<<"$peers")
budget=$((runs * npeers * (2 * duration + 2 * warmup + 150) + 120))
bench_watchdog "$budget"
if [[ " $peers " == *" actorvs "* ]]; then bench_jar; fi

# Waits until the VIP answers from the client namespace: a real server's name, r1..r3.
await_vip() {
  local deadline=$((SECONDS + $1))
  while [ $SECONDS -lt $deadline ]; do
    if inns "$cns" curl -s --max-time 1 "$URL" 2>/dev/null | grep -q '^r[123]$'; then return 0; fi
    if [ -n "$peer_pid" ] && ! kill -0 "$peer_pid" 2>/dev/null; then break; fi
    sleep 0.3
  done
  return 1
}

start_actorvs() {
  # The daemon itself, as deployed: bin/actorvs in d1 with the lab's example configuration.
  # ip netns exec and bin/actorvs both exec, so $! is the JVM.
  local launcher
  director_launcher
  : >"$logs/director-$1.log"
  (cd "$home" && exec ip netns exec "$dns" "${launcher[@]}" run --config "$home/conf/examples/nat.conf") \
    >"$logs/director-$1.log" 2>&1 &
  peer_pid=$!
  local deadline=$((SECONDS + 90))
  until grep -q "virtual services on" "$logs/director-$1.log"; do
    kill -0 "$peer_pid" 2>/dev/null && [ $SECONDS -lt $deadline ] || { cat "$logs/director-$1.log" >&2; return 1; }
    sleep 0.3
  done
}

# The kernel as the director: conntrack DNAT spreading new flows round robin, forwarding on, and the
# addresses the user-space director answers for (VIP, real servers' gateway) now on the kernel.
start_kernel() {
  inns "$dns" ip addr add "$VIP/32" dev eth0
  inns "$dns" ip addr add 10.78.0.254/24 dev eth1
  inns "$dns" sysctl -qw net.ipv4.ip_forward=1
  inns "$dns" nft -f - <<EOF
table ip wirebench {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr $VIP tcp dport 80 dnat to numgen inc mod 3 map { 0 : 10.78.0.21, 1 : 10.78.0.22, 2 : 10.78.0.23 }
  }
}
EOF
}

# HAProxy as a TCP proxy on the VIP; it reaches the real servers from d1's eth1 address (10.78.0.1),
# so their replies come straight back to it; forwarding stays off as the lab set it.
start_haproxy() {
  inns "$dns" ip addr add "$VIP/32" dev eth0
  inns "$dns" ip addr add 10.78.0.254/24 dev eth1
  cat >"$logs/haproxy.cfg" <<EOF
global
  maxconn 8000
defaults
  mode tcp
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend vip
  bind $VIP:80
  default_backend rs
backend rs
  balance roundrobin
  source 10.78.0.1
  server r1 10.78.0.21:80
  server r2 10.78.0.22:80
  server r3 10.78.0.23:80
EOF
  # Started directly (not through inns) so that $! is HAProxy itself.
  ip netns exec "$dns" haproxy -db -f "$logs/haproxy.cfg" >"$logs/haproxy-$1.log" 2>&1 &
  peer_pid=$!
}

cpu_ticks() {
  [ -n "$peer_pid" ] || { echo 0; return; }
  # Fields 14 and 15 (utime, stime) after the parenthesised command name.
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$peer_pid/stat" 2>/dev/null || echo 0
}

rss_mb() {
  [ -n "$peer_pid" ] || { echo "-"; return; }
  awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$peer_pid/status" 2>/dev/null || echo "-"
}

# One wrk measurement; appends "run peer mode rate errors cpu% rss" to the results.
measure() {
  local run=$1 peer=$2 mode=$3 out="$logs/wrk-$1-$2-$3.txt" header=()
  [ "$mode" = close ] && header=(-H "Connection: close")
  local t0 c0 t1 c1
  t0=$(date +%s.%N); c0=$(cpu_ticks)
  timeout $((duration + 30)) ip netns exec "$cns" wrk -t"$threads" -c"$connections" -d"${duration}s" \
    "${header[@]}" "$URL" >"$out" 2>&1 || { log "wrk failed for $peer/$mode:"; cat "$out" >&2; return 1; }
  t1=$(date +%s.%N); c1=$(cpu_ticks)
  local rate errors cpu rss
  rate=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
  errors=$(awk '/Socket errors:/ { gsub(",", ""); n = $4 + $6 + $8 + $10 } /Non-2xx/ { n += $NF } END { print n + 0 }' "$out")
  if [ "$peer" = kernel ]; then cpu="-"; rss="-"; else
    cpu=$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / (t1 - t0) }')
    rss=$(rss_mb)
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$peer" "$mode" "${rate:-0}" "$errors" "$cpu" "$rss" >>"$results"
  log "run $run $peer $mode: ${rate:-0} req/s, $errors errors, cpu ${cpu}%, rss ${rss} MB"
}

warm() {
  local header=()
  [ "$1" = close ] && header=(-H "Connection: close")
  timeout $((warmup + 30)) ip netns exec "$cns" wrk -t"$threads" -c"$connections" -d"${warmup}s" \
    "${header[@]}" "$URL" >/dev/null 2>&1 || true
}

for run in $(seq "$runs"); do
  load=$(uptime | sed 's/.*load average: //')
  echo "run $run: $load" >>"$logs/loads.txt"
  log "run $run of $runs (load average $load)"
  for peer in $peers; do
    timeout 180 "$lab" up --topology nat --name "$name" >/dev/null
    "start_$peer" "$run"
    await_vip 60 || { log "$peer: the VIP does not answer"; exit 1; }
    warm keepalive
    warm close
    measure "$run" "$peer" keepalive
    measure "$run" "$peer" close
    stop_peer
    lab_down
  done
done

report
