#!/bin/bash
# backup-check.sh [--syncid N] [--version 0|1] [--wait S] [--show-extra]
#                 [--show-dmesg] -- SENDER_COMMAND...
# Boot the VM as IPVS sync backup on eth0, run SENDER_COMMAND in the host-side
# namespace (env: KIPVS_HOST_ADDR, KIPVS_VM_ADDR, KIPVS_SYNC_GROUP,
# KIPVS_SYNC_PORT), then print the VM's `ipvsadm -L -c -n` on stdout.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[[ -f ${KIPVS_BUILD:-$HERE/../../target/kernel-ipvs}/initramfs.cpio ]] || "$HERE/build.sh" >&2
exec python3 "$HERE/lib/kipvs.py" backup-check "$@"
