#!/usr/bin/env bash
# Installs, as root, the Debian packages ActorVS needs to build, run and test:
# the JDK and Maven, libpcap (pcap4j's native side), iproute2/ethtool for the namespace lab,
# the real peers the tests talk to (curl, nginx, wrk, tshark, ...), and what deploy/kernel-ipvs
# needs to boot the real Linux IPVS in qemu (KernelBackupJudgeTest): a Debian kernel that ships
# ip_vs*.ko, busybox and ipvsadm for its initramfs, cpio and kmod to build that, python3 for the harness.
# Idempotent: packages already present are not fetched again.
set -euo pipefail

packages=(
  openjdk-17-jdk-headless maven
  libpcap0.8 iproute2 ethtool iputils-ping procps psmisc
  curl wrk nginx-light tshark tcpdump nftables keepalived vsftpd lftp haproxy systemd
  linux-image-amd64 busybox-static ipvsadm qemu-system-x86 cpio kmod python3
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: not root; skipping the Debian packages (${packages[*]})" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
