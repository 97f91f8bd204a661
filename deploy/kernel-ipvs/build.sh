#!/bin/bash
# build.sh - build a bootable kernel + initramfs that runs the real Linux IPVS.
#
# Uses only installed Debian packages (installs the missing ones with apt-get
# unless KIPVS_NO_INSTALL=1): linux-image-amd64, busybox-static, ipvsadm,
# qemu-system-x86, tcpdump, cpio, kmod, iproute2.
#
# Output (default target/kernel-ipvs of the repository, which git and mvn clean
# already own; override with KIPVS_BUILD=/some/dir):  vmlinuz, vmlinux (PVH ELF), initramfs.cpio, kver,
# modules.load, accel
# Idempotent: the initramfs is rebuilt from scratch in a temp dir and moved
# into place atomically each run.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${KIPVS_BUILD:-$HERE/../../target/kernel-ipvs}
mkdir -p "$BUILD"

need_pkgs=()
for p in linux-image-amd64 busybox-static ipvsadm qemu-system-x86 tcpdump cpio kmod iproute2; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need_pkgs+=("$p")
done
if ((${#need_pkgs[@]})); then
    if [[ ${KIPVS_NO_INSTALL:-0} == 1 ]]; then
        echo "missing packages: ${need_pkgs[*]}" >&2; exit 1
    fi
    echo "installing: ${need_pkgs[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2
fi

# Pick the newest Debian kernel that has IPVS modules.
KVER=${KVER:-}
if [[ -z $KVER ]]; then
    for d in $(ls -1 /lib/modules | sort -V -r); do
        if [[ -f /boot/vmlinuz-$d && -n $(find /lib/modules/$d -name 'ip_vs.ko*' -print -quit) ]]; then KVER=$d; break; fi
    done
fi
[[ -n $KVER ]] || { echo "no kernel with ip_vs.ko found under /lib/modules" >&2; exit 1; }
echo "kernel: $KVER" >&2

STAGE=$(mktemp -d /tmp/kipvs-initramfs.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,lib64,lib/x86_64-linux-gnu,lib/modules/$KVER}
mknod -m 600 "$STAGE/dev/console" c 5 1
mknod -m 666 "$STAGE/dev/null" c 1 3

# busybox + applet links
cp /bin/busybox "$STAGE/bin/busybox"
for a in $(/bin/busybox --list); do
    [[ $a == busybox ]] && continue
    ln -sf busybox "$STAGE/bin/$a"
done
ln -sf ../bin/busybox "$STAGE/sbin/init"

# ipvsadm + the shared libraries it needs (from ldd)
cp /sbin/ipvsadm "$STAGE/sbin/ipvsadm"
for lib in $(ldd /sbin/ipvsadm | awk '/=>/ {print $3} /ld-linux/ {print $1}'); do
    [[ -f $lib ]] || continue
    real=$(readlink -f "$lib")
    case $lib in
        */ld-linux*) cp "$real" "$STAGE/lib64/$(basename "$lib")" ;;
        *) cp "$real" "$STAGE/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
    esac
done

# kernel modules: the wanted list + whatever modprobe says they depend on
MODS=(virtio_pci virtio_net
      nf_defrag_ipv4 nf_defrag_ipv6 libcrc32c nf_conntrack nf_nat
      ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq ip_vs_mh
      ip_vs_ftp ip_vs_pe_sip)
: > "$STAGE/etc/modules.load"
declare -A seen=()
for m in "${MODS[@]}"; do
    if ! out=$(modprobe -S "$KVER" --show-depends "$m" 2>&1); then
        echo "warning: module $m not available: $out" >&2; continue
    fi
    while read -r kind path _; do
        [[ $kind == insmod ]] || continue
        [[ -n ${seen[$path]:-} ]] && continue
        seen[$path]=1
        rel=${path#/lib/modules/$KVER/}
        mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$rel")"
        cp "$path" "$STAGE/lib/modules/$KVER/$rel"
        echo "$rel" >> "$STAGE/etc/modules.load"
    done <<< "$out"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
    [[ -f /lib/modules/$KVER/$f ]] && cp "/lib/modules/$KVER/$f" "$STAGE/lib/modules/$KVER/"
done
depmod -b "$STAGE" "$KVER"   # modules.dep for busybox modprobe inside the VM

install -m 755 "$HERE/lib/init.sh" "$STAGE/init"
echo "$KVER" > "$STAGE/etc/kver"

# Uncompressed newc cpio: saves decompression time when the VM runs under TCG.
(cd "$STAGE" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet --reproducible) > "$BUILD/initramfs.cpio.tmp"
mv -f "$BUILD/initramfs.cpio.tmp" "$BUILD/initramfs.cpio"
install -p -m 644 "/boot/vmlinuz-$KVER" "$BUILD/vmlinuz.tmp" && mv -f "$BUILD/vmlinuz.tmp" "$BUILD/vmlinuz"

# Also extract the uncompressed ELF vmlinux from the bzImage: the Debian kernel
# has CONFIG_PVH=y, so qemu boots it directly (skips the in-guest XZ
# decompression, which is slow under TCG).  Falls back to vmlinuz if this fails.
if [[ ! -f $BUILD/vmlinux || $BUILD/vmlinux -ot $BUILD/vmlinuz || $(cat "$BUILD/kver" 2>/dev/null) != "$KVER" ]]; then
    python3 - "$BUILD/vmlinuz" "$BUILD/vmlinux.tmp" <<'PY' && mv -f "$BUILD/vmlinux.tmp" "$BUILD/vmlinux" || { rm -f "$BUILD/vmlinux" "$BUILD/vmlinux.tmp"; echo "note: could not extract vmlinux; will boot vmlinuz" >&2; }
import gzip, lzma, sys, zlib
d = open(sys.argv[1], 'rb').read()
for magic, dec in ((b'\xfd7zXZ\x00', lambda b: lzma.LZMADecompressor().decompress(b)),
                   (b'\x1f\x8b\x08', lambda b: zlib.decompressobj(31).decompress(b))):
    i = d.find(magic)
    while i >= 0:
        try:
            out = dec(d[i:])
            if out[:4] == b'\x7fELF':
                open(sys.argv[2], 'wb').write(out)
                sys.exit(0)
        except Exception:
            pass
        i = d.find(magic, i + 1)
sys.exit(1)
PY
fi
cp "$STAGE/etc/modules.load" "$BUILD/modules.load"
echo "$KVER" > "$BUILD/kver"

# Accelerator: KVM when the image really boots under it in reasonable time,
# else TCG (on nested-virtualisation hosts KVM can be present but unusably
# slow).  Cached in $BUILD/accel; re-probe with KIPVS_REPROBE=1, force with
# KIPVS_ACCEL=kvm|tcg at run time.
if [[ -n ${KIPVS_ACCEL:-} ]]; then
    echo "$KIPVS_ACCEL" > "$BUILD/accel"
elif [[ ! -s $BUILD/accel || ${KIPVS_REPROBE:-0} == 1 ]]; then
    if [[ -r /dev/kvm && -w /dev/kvm ]]; then
        echo "probing KVM (up to 40 s)..." >&2
        KIPVS_BUILD=$BUILD python3 "$HERE/lib/kipvs.py" probe-accel --timeout 40 > "$BUILD/accel.tmp" || echo tcg > "$BUILD/accel.tmp"
        mv -f "$BUILD/accel.tmp" "$BUILD/accel"
    else
        echo tcg > "$BUILD/accel"
    fi
fi
echo "built: $BUILD/vmlinuz ($(stat -c %s "$BUILD/vmlinuz") bytes), $([[ -f $BUILD/vmlinux ]] && echo "$BUILD/vmlinux ($(stat -c %s "$BUILD/vmlinux") bytes), ")$BUILD/initramfs.cpio ($(stat -c %s "$BUILD/initramfs.cpio") bytes), $(wc -l < "$BUILD/modules.load") modules, accel=$(cat "$BUILD/accel")" >&2
