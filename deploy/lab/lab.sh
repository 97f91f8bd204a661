#!/usr/bin/env bash
# ActorVS namespace lab: builds a private network of network namespaces on this machine —
# clients, one or two directors, three real servers running nginx — and tears it down again.
#
#   deploy/lab/lab.sh up   --topology nat|dr|tun [--name PREFIX] [--directors 1|2]
#   deploy/lab/lab.sh down [--name PREFIX]
#   deploy/lab/lab.sh env  [--name PREFIX]      # prints the lab's addresses as shell variables
#
# Every namespace, bridge and process belongs to PREFIX (default "avs"), so several labs can
# coexist and `down` removes exactly one of them, also after a failed `up`. Traffic stays
# inside the namespaces: the host's own interfaces and routes are never touched.
#
# Topologies (addresses are the lab's own, inside its namespaces):
#   nat  client 10.77.0.2 -- front LAN 10.77.0.0/24 -- director(s) eth0 .11/.12
#        director(s) eth1 10.78.0.1/.2 -- back LAN 10.78.0.0/24 -- real servers .21 .22 .23
#        Real servers route via 10.78.0.254, an address the active director answers ARP for
#        (the LVS-NAT gateway). VIP 10.77.0.100 lives on no kernel: the director answers for it.
#        IPv6 alongside: front fd00:77::/64 (client ::2, directors ::11/::12), back fd00:78::/64
#        (directors ::1/::2, real servers ::21-::23 routing via fd00:78::fe, which the director
#        answers neighbour solicitations for); nginx listens on [::]:80 too. VIP6 fd00:77::100.
#   dr   one LAN 10.77.0.0/24: client .2, director(s) .11/.12, real servers .21-.23 with the
#        VIP on lo, arp_ignore=1, arp_announce=2, rp_filter loose.
#   tun  one LAN as dr; real servers receive IP-in-IP. The host kernel here has no ipip module,
#        so each real server gets a veth pair "vip0"/"vipd" with the VIP on vip0: a decapsulator
#        (started by the caller; see README) strips the outer header of IPIP packets arriving on
#        eth0 and injects the inner packet into vipd, and the real server's kernel answers the
#        client directly, as with a kernel ipip device.
set -Eeuo pipefail

name=avs
topology=
directors=1
cmd=${1:-}
[ $# -gt 0 ] && shift
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --topology) topology=$2; shift 2 ;;
    --directors) directors=$2; shift 2 ;;
    *) echo "lab.sh: unknown argument '$1' (expected --name, --topology or --directors)" >&2; exit 2 ;;
  esac
done
case "$name" in
  *[!a-z0-9]*|"") echo "lab.sh: --name must be lower-case letters and digits, not '$name'" >&2; exit 2 ;;
esac
[ ${#name} -le 8 ] || { echo "lab.sh: --name '$name' is longer than 8 characters (interface names are limited to 15)" >&2; exit 2; }

state=/run/actorvs-lab/$name
VIP=10.77.0.100
VIP_PORT=80
CLIENT=10.77.0.2
FRONT_NET=10.77.0
BACK_NET=10.78.0
NAT_GW=10.78.0.254
VIP6=fd00:77::100
CLIENT6=fd00:77::2
FRONT_NET6=fd00:77:
BACK_NET6=fd00:78:
NAT_GW6=fd00:78::fe

ns() { echo "${name}$1"; }
inns() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }
# IPv6 rides along where the kernel has it: one booted with ipv6.disable=1 has no
# /proc/sys/net/ipv6, and the IPv4 lab is then built as before (the IPv6 tests say why they
# cannot run). A host whose defaults switch IPv6 off does not switch it off in the lab.
inns6() {
  local n=$1; shift
  [ -d /proc/sys/net/ipv6 ] || return 0
  inns "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
  inns "$n" "$@"
}

require_root() {
  [ "$(id -u)" -eq 0 ] || { echo "lab.sh: needs root (network namespaces)" >&2; exit 1; }
}

# Offloads off: with them on, captured frames carry partial checksums and real servers drop
# rewritten frames (see shared/reference/lab-notes.md).
quiet_offloads() {
  inns "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
}

# Adds a veth between namespace $1 (device $2) and a bridge $4 in the switch namespace (port $3).
plug() {
  local host=$1 dev=$2 port=$3 bridge=$4
  ip link add "$port" netns "$(ns sw)" type veth peer name "$dev" netns "$(ns "$host")"
  inns sw ip link set "$port" master "$bridge" up
  inns "$host" ip link set "$dev" up
  quiet_offloads sw "$port"
  quiet_offloads "$host" "$dev"
}

new_host() {
  ip netns add "$(ns "$1")"
  inns "$1" ip link set lo up
  echo "$(ns "$1")" >>"$state/namespaces"
}

start_nginx() {
  local rs=$1 label=$2 listen6=
  [ "$topology" = nat ] && [ -d /proc/sys/net/ipv6 ] && listen6="listen [::]:80 reuseport;"
  local dir=$state/nginx-$rs
  mkdir -p "$dir/www" "$dir/tmp"
  printf '%s\n' "$label" >"$dir/www/name"
  # A 50 MB file for byte-identity tests, made once per lab; tests compare downloads with it.
  if [ ! -f "$state/blob" ]; then
    head -c 52428800 </dev/urandom >"$state/blob"
  fi
  ln -sf "$state/blob" "$dir/www/blob"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  keepalive_requests 1000000;
  server {
    listen 80 reuseport;
    $listen6
    root $dir/www;
    location = / { default_type text/plain; return 200 "$label\n"; }
    location / { }
  }
}
EOF
  inns "$rs" nginx -c "$dir/nginx.conf" -p "$dir"
}

up_common() {
  require_root
  [ -n "$topology" ] || { echo "lab.sh up: --topology nat|dr|tun is required" >&2; exit 2; }
  case "$topology" in nat|dr|tun) ;; *) echo "lab.sh up: topology must be nat, dr or tun, not '$topology'" >&2; exit 2 ;; esac
  case "$directors" in 1|2) ;; *) echo "lab.sh up: --directors must be 1 or 2, not '$directors'" >&2; exit 2 ;; esac
  if [ -d "$state" ]; then
    echo "lab.sh up: lab '$name' exists; run 'lab.sh down --name $name' first" >&2
    exit 1
  fi
  mkdir -p "$state"
  : >"$state/namespaces"
  echo "$topology" >"$state/topology"
  echo "$directors" >"$state/directors"
  # Anything that fails half-way leaves nothing behind.
  trap 'echo "lab.sh up: failed, tearing down" >&2; down' ERR

  new_host sw
  inns sw ip link add brf type bridge
  inns sw ip link set brf up
  new_host c1
  plug c1 eth0 c1f brf
  inns c1 ip addr add "$CLIENT/24" dev eth0

  if [ "$topology" = nat ]; then
    inns sw ip link add brb type bridge
    inns sw ip link set brb up
    # nodad: the addresses are usable at once, not after duplicate address detection.
    inns6 c1 ip -6 addr add "$CLIENT6/64" dev eth0 nodad
  fi

  for d in $(seq 1 "$directors"); do
    new_host "d$d"
    plug "d$d" eth0 "d${d}f" brf
    inns "d$d" ip addr add "$FRONT_NET.1$d/24" dev eth0
    # The director answers for the VIP in user space; the kernel must neither own the VIP nor
    # forward what the director forwards (replies would leave un-NATed).
    inns "d$d" sysctl -qw net.ipv4.ip_forward=0
    inns "d$d" sysctl -qw net.ipv4.conf.all.send_redirects=0
    if [ "$topology" = nat ]; then
      plug "d$d" eth1 "d${d}b" brb
      inns "d$d" ip addr add "$BACK_NET.$d/24" dev eth1
      # As for IPv4: the kernel keeps its own addresses (the director's neighbour solicitations
      # come from them) but neither owns the VIP or the gateway nor forwards.
      inns6 "d$d" sysctl -qw net.ipv6.conf.all.forwarding=0
      inns6 "d$d" ip -6 addr add "$FRONT_NET6:1$d/64" dev eth0 nodad
      inns6 "d$d" ip -6 addr add "$BACK_NET6:$d/64" dev eth1 nodad
    fi
  done

  for r in 1 2 3; do
    new_host "r$r"
    if [ "$topology" = nat ]; then
      plug "r$r" eth0 "r${r}p" brb
      inns "r$r" ip addr add "$BACK_NET.2$r/24" dev eth0
      inns "r$r" ip route add default via "$NAT_GW"
      inns6 "r$r" ip -6 addr add "$BACK_NET6:2$r/64" dev eth0 nodad
      inns6 "r$r" ip -6 route add default via "$NAT_GW6" dev eth0
    else
      plug "r$r" eth0 "r${r}p" brf
      inns "r$r" ip addr add "$FRONT_NET.2$r/24" dev eth0
      inns "r$r" sysctl -qw net.ipv4.conf.all.arp_ignore=1
      inns "r$r" sysctl -qw net.ipv4.conf.all.arp_announce=2
      inns "r$r" sysctl -qw net.ipv4.conf.all.rp_filter=2
      inns "r$r" sysctl -qw net.ipv4.conf.eth0.rp_filter=2
      if [ "$topology" = dr ]; then
        inns "r$r" ip addr add "$VIP/32" dev lo
      else
        inns "r$r" ip link add vip0 type veth peer name vipd
        inns "r$r" ip addr add "$VIP/32" dev vip0
        inns "r$r" ip link set vip0 up
        inns "r$r" ip link set vipd up
        inns "r$r" sysctl -qw net.ipv4.conf.vip0.rp_filter=0
        inns "r$r" sysctl -qw net.ipv4.conf.all.rp_filter=0
        inns "r$r" sysctl -qw net.ipv4.conf.vip0.accept_local=1
        quiet_offloads "r$r" vip0
        quiet_offloads "r$r" vipd
        # With an ipip module the kernel consumes protocol 4 itself; without one it also answers
        # every tunnelled packet with "protocol 4 unreachable", which the director relays to the
        # client (as ip_vs_in_icmp does) and which can abort the client's half-open connection.
        inns "r$r" nft "add table ip avlab; add chain ip avlab out { type filter hook output priority 0; }; add rule ip avlab out icmp type destination-unreachable icmp code prot-unreachable drop"
      fi
    fi
    start_nginx "r$r" "r$r"
  done
  trap - ERR
  env_out >"$state/env"
  echo "lab '$name' up: topology $topology, $directors director(s); 'lab.sh env --name $name' prints its addresses"
}

env_out() {
  local topo
  topo=$(cat "$state/topology")
  echo "LAB_NAME=$name"
  echo "LAB_TOPOLOGY=$topo"
  echo "LAB_DIRECTORS=$(cat "$state/directors")"
  echo "LAB_STATE=$state"
  echo "LAB_VIP=$VIP"
  echo "LAB_VIP_PORT=$VIP_PORT"
  echo "LAB_CLIENT_NS=$(ns c1)"
  echo "LAB_CLIENT=$CLIENT"
  for d in 1 2; do
    echo "LAB_DIRECTOR${d}_NS=$(ns "d$d")"
    echo "LAB_DIRECTOR${d}_FRONT=$FRONT_NET.1$d"
    [ "$topo" = nat ] && echo "LAB_DIRECTOR${d}_BACK=$BACK_NET.$d"
  done
  if [ "$topo" = nat ]; then
    echo "LAB_NAT_GATEWAY=$NAT_GW"
    echo "LAB_VIP6=$VIP6"
    echo "LAB_CLIENT6=$CLIENT6"
    echo "LAB_NAT_GATEWAY6=$NAT_GW6"
    for d in 1 2; do
      echo "LAB_DIRECTOR${d}_FRONT6=$FRONT_NET6:1$d"
      echo "LAB_DIRECTOR${d}_BACK6=$BACK_NET6:$d"
    done
    for r in 1 2 3; do echo "LAB_RS${r}_6=$BACK_NET6:2$r"; done
  fi
  for r in 1 2 3; do
    echo "LAB_RS${r}_NS=$(ns "r$r")"
    if [ "$topo" = nat ]; then echo "LAB_RS${r}=$BACK_NET.2$r"; else echo "LAB_RS${r}=$FRONT_NET.2$r"; fi
  done
  echo "LAB_BLOB=$state/blob"
}

down() {
  set +e
  # Processes first (nginx and anything a test started in the lab's namespaces), then namespaces.
  for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${name}(sw|c[0-9]|d[0-9]|r[0-9])$"); do
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
  done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    left=0
    for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${name}(sw|c[0-9]|d[0-9]|r[0-9])$"); do
      [ -n "$(ip netns pids "$n" 2>/dev/null)" ] && left=1
    done
    [ $left -eq 0 ] && break
    sleep 0.2
  done
  for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${name}(sw|c[0-9]|d[0-9]|r[0-9])$"); do
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$n" 2>/dev/null
  done
  rm -rf "$state"
  set -e
}

case "$cmd" in
  up) up_common ;;
  down) require_root; down; echo "lab '$name' down" ;;
  env) [ -f "$state/env" ] || { echo "lab.sh env: no lab '$name'" >&2; exit 1; }; cat "$state/env" ;;
  *) echo "usage: lab.sh up --topology nat|dr|tun [--name PREFIX] [--directors 1|2] | down [--name PREFIX] | env [--name PREFIX]" >&2; exit 2 ;;
esac
