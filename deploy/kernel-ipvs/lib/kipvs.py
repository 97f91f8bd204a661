#!/usr/bin/env python3
"""kernel-ipvs harness: run the real Linux IPVS in a qemu VM attached to a
bridge inside private network namespaces.

  kipvs.py capture OUTDIR [--versions 1,0]
  kipvs.py backup-check [--syncid N] [--version 0|1] [--wait S] ... -- CMD...
  kipvs.py probe-accel

Everything it creates (namespaces kipvs<pid>, kipvs<pid>rs with br0/tap0/veth
inside, qemu, tcpdump and helper processes) is removed/stopped by PID on exit.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUILD = os.environ.get('KIPVS_BUILD', os.path.join(TOP, '..', '..', 'target', 'kernel-ipvs'))
T0 = time.time()

HOST4, VM4, HOST6, VM6 = '10.99.0.1', '10.99.0.2', 'fd00:99::1', 'fd00:99::2'
SYNC_GROUP, SYNC_PORT = '224.0.0.81', 8848


def log(*a):
    print('[kipvs +%5.1fs]' % (time.time() - T0), *a, file=sys.stderr, flush=True)


def sh(args, check=True):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and r.returncode != 0:
        raise RuntimeError('%s -> rc %d: %s' % (' '.join(args), r.returncode, r.stdout.strip()))
    return r.stdout


class Procs:
    """Processes we started; stopped by PID only."""
    def __init__(self):
        self.items = []

    def spawn(self, args, name, **kw):
        p = subprocess.Popen(args, **kw)
        self.items.append((name, p))
        return p

    def stop(self, p, sig=signal.SIGTERM, wait=5):
        if p.poll() is not None:
            return
        try:
            os.kill(p.pid, sig)
            p.wait(wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        if p.poll() is None:
            try:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass

    def stop_all(self):
        for name, p in reversed(self.items):
            if p.poll() is None:
                log('stopping %s (pid %d)' % (name, p.pid))
                self.stop(p)


class Topo:
    """Namespace NS: br0 (HOST4/HOST6, the client + capture point) + tap0 for
    the VM.  Optional namespace NSrs: real servers behind a veth on br0."""
    def __init__(self, with_rs):
        self.ns = 'kipvs%d' % os.getpid()
        self.rs = self.ns + 'rs' if with_rs else None
        self.created = []

    def nsexec(self, ns, *args):
        return ['ip', 'netns', 'exec', ns] + list(args)

    def sysctl(self, ns, *kv):
        for x in kv:
            sh(self.nsexec(ns, 'sysctl', '-qw', x), check=False)

    def up(self):
        ns = self.ns
        sh(['ip', 'netns', 'add', ns])
        self.created.append(ns)
        n = ['ip', '-n', ns]
        self.sysctl(ns, 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0',
                    'net.ipv4.conf.all.accept_redirects=0', 'net.ipv6.conf.all.accept_redirects=0')
        sh(n + ['link', 'set', 'lo', 'up'])
        sh(n + ['link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0'])
        sh(n + ['tuntap', 'add', 'dev', 'tap0', 'mode', 'tap'])
        sh(n + ['link', 'set', 'tap0', 'master', 'br0', 'up'])
        sh(n + ['link', 'set', 'br0', 'up'])
        sh(n + ['addr', 'add', HOST4 + '/24', 'dev', 'br0'])
        sh(n + ['-6', 'addr', 'add', HOST6 + '/64', 'dev', 'br0', 'nodad'])
        sh(n + ['route', 'add', '224.0.0.0/4', 'dev', 'br0'])
        if self.rs:
            rs = self.rs
            sh(['ip', 'netns', 'add', rs])
            self.created.append(rs)
            r = ['ip', '-n', rs]
            self.sysctl(rs, 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0')
            sh(n + ['link', 'add', 'vrs0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', rs])
            sh(n + ['link', 'set', 'vrs0', 'master', 'br0', 'up'])
            self.sysctl(rs, *['net.ipv4.conf.%s.%s' % (i, k) for i in ('all', 'eth0', 'default')
                              for k in ('arp_ignore=1', 'arp_announce=2', 'accept_redirects=0', 'rp_filter=0')])
            self.sysctl(rs, 'net.ipv6.conf.all.accept_redirects=0', 'net.ipv6.conf.eth0.accept_redirects=0')
            sh(r + ['link', 'set', 'lo', 'up'])
            sh(r + ['link', 'set', 'eth0', 'up'])
            sh(r + ['addr', 'add', '10.99.0.22/24', 'dev', 'eth0'])       # DR real server
            for a in ('10.99.0.21', '10.99.0.23', '10.99.0.24'):            # NAT, TUN, NAT
                sh(r + ['addr', 'add', a + '/32', 'dev', 'eth0'])
            sh(r + ['addr', 'add', '10.99.0.11/32', 'dev', 'lo'])         # DR VIP on lo
            sh(r + ['-6', 'addr', 'add', 'fd00:99::21/128', 'dev', 'eth0', 'nodad'])
            sh(r + ['-6', 'route', 'add', VM6 + '/128', 'dev', 'eth0'])
            sh(r + ['-6', 'route', 'add', 'default', 'via', VM6, 'dev', 'eth0'])
            # NAT real servers answer through the director (the VM).
            sh(r + ['rule', 'add', 'from', '10.99.0.21', 'table', '100', 'pref', '100'])
            sh(r + ['rule', 'add', 'from', '10.99.0.24', 'table', '100', 'pref', '101'])
            sh(r + ['route', 'add', 'default', 'via', VM4, 'dev', 'eth0', 'onlink', 'table', '100'])

    def down(self):
        for ns in reversed(self.created):
            r = subprocess.run(['ip', 'netns', 'del', ns], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode:
                log('warning: ip netns del %s: %s' % (ns, r.stdout.strip()))
        self.created = []


def default_accel():
    a = os.environ.get('KIPVS_ACCEL')
    if a:
        return a
    try:
        with open(os.path.join(BUILD, 'accel')) as f:
            return f.read().strip() or 'tcg'
    except OSError:
        return 'tcg'


class VM:
    def __init__(self, procs, ns, append, console_log, accel=None, net=True):
        self.procs, self.ns, self.append, self.net = procs, ns, append, net
        self.accel = accel or default_accel()
        self.console_log = console_log
        self.lines = []
        self.cv = threading.Condition()
        self.seq = 0
        self.p = None
        self.eof = False

    def start(self):
        kernel = os.path.join(BUILD, 'vmlinux')
        if not os.path.exists(kernel):
            kernel = os.path.join(BUILD, 'vmlinuz')
        initrd = os.path.join(BUILD, 'initramfs.cpio')
        for f in (kernel, initrd):
            if not os.path.exists(f):
                raise SystemExit('missing %s: run build.sh first' % f)
        q = ['qemu-system-x86_64']
        q += ['-enable-kvm'] if self.accel == 'kvm' else ['-accel', 'tcg']
        q += ['-m', '512', '-smp', '1', '-nographic', '-monitor', 'none', '-serial', 'stdio', '-no-reboot']
        if self.net:
            q += ['-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no',
                  '-device', 'virtio-net-pci,netdev=n0,mac=52:54:00:99:00:02']
        else:
            q += ['-nic', 'none']
        q += ['-kernel', kernel, '-initrd', initrd,
              '-append', 'console=ttyS0 quiet panic=-1 ' + self.append]
        if self.ns:
            q = ['ip', 'netns', 'exec', self.ns] + q
        self.logf = open(self.console_log, 'wb') if self.console_log else None
        self.p = self.procs.spawn(q, 'qemu', stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        log('qemu pid %d (%s), append: %s' % (self.p.pid, self.accel, self.append))
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        buf = b''
        fd = self.p.stdout.fileno()
        while True:
            try:
                d = os.read(fd, 65536)
            except OSError:
                d = b''
            if not d:
                break
            if self.logf:
                self.logf.write(d)
                self.logf.flush()
            buf += d
            *done, buf = buf.split(b'\n')
            if done:
                with self.cv:
                    self.lines += [x.replace(b'\r', b'').decode('utf-8', 'replace') for x in done]
                    self.cv.notify_all()
        with self.cv:
            if buf:
                self.lines.append(buf.decode('utf-8', 'replace'))
            self.eof = True
            self.cv.notify_all()

    def wait_line(self, pred, timeout, start=0):
        """Wait for a console line matching pred; return its index."""
        end = time.time() + timeout
        i = start
        with self.cv:
            while True:
                while i < len(self.lines):
                    if pred(self.lines[i]):
                        return i
                    i += 1
                if self.eof:
                    raise RuntimeError('VM console closed (qemu exited rc=%s); see %s'
                                       % (self.p.poll(), self.console_log))
                left = end - time.time()
                if left <= 0:
                    raise TimeoutError('timeout waiting on VM console; see %s' % self.console_log)
                self.cv.wait(left)

    def wait_ready(self, timeout=180):
        i = self.wait_line(lambda l: '@@KIPVS-READY' in l, timeout)
        log('VM ready: ' + self.lines[i][self.lines[i].find('@@'):].strip())

    def run(self, cmd, timeout=60, check=False):
        if '\n' in cmd:
            raise ValueError('one line only')
        self.seq += 1
        sid = str(self.seq)
        with self.cv:
            start = len(self.lines)
        self.p.stdin.write(('%s %s\n' % (sid, cmd)).encode())
        self.p.stdin.flush()
        b = self.wait_line(lambda l: l.strip() == '@@B:' + sid, timeout, start)
        e = self.wait_line(lambda l: l.startswith('@@E:%s:' % sid), timeout, b)
        rc = int(self.lines[e].strip().rsplit(':', 1)[1])
        out = '\n'.join(self.lines[b + 1:e])
        if check and rc:
            raise RuntimeError('VM command failed rc=%d: %s\n%s' % (rc, cmd, out))
        return rc, out

    def out(self, cmd, timeout=60):
        return self.run(cmd, timeout)[1]

    def poweroff(self):
        if not self.p or self.p.poll() is not None:
            return
        try:
            self.p.stdin.write(b'0 poweroff -f\n')
            self.p.stdin.flush()
            self.p.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.p.poll() is None:
            log('qemu did not power off; killing pid %d' % self.p.pid)
            self.procs.stop(self.p)
        if self.logf:
            self.logf.close()
            self.logf = None


def wait_stdout_line(p, word, timeout, name):
    """Read lines from p.stdout until one contains word (bounded)."""
    res = {}

    def rd():
        for line in p.stdout:
            if word in line:
                res['line'] = line
                return
    t = threading.Thread(target=rd, daemon=True)
    t.start()
    t.join(timeout)
    if 'line' not in res:
        raise RuntimeError('%s did not say %r within %ss' % (name, word, timeout))
    return res['line']


def start_tcpdump(procs, ns, iface, path, filt, snaplen=None):
    args = ['ip', 'netns', 'exec', ns, 'tcpdump', '-i', iface, '-n', '-U', '-Z', 'root', '-w', path]
    if snaplen:
        args += ['-s', str(snaplen)]
    args += filt
    p = procs.spawn(args, 'tcpdump ' + os.path.basename(path), stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE, text=True)
    res = {}

    def rd():
        for line in p.stderr:
            if 'listening on' in line:
                res['ok'] = 1
                break
        for _ in p.stderr:   # keep draining
            pass
    threading.Thread(target=rd, daemon=True).start()
    for _ in range(100):
        if res or p.poll() is not None:
            break
        time.sleep(0.1)
    if not res:
        raise RuntimeError('tcpdump did not start (rc=%s)' % p.poll())
    return p


def install_signal_handlers():
    def h(sig, frm):
        raise KeyboardInterrupt('signal %d' % sig)
    signal.signal(signal.SIGTERM, h)
    signal.signal(signal.SIGHUP, h)

# ------------------------------------------------------------------ capture


MASTER_SETUP = [
    'sysctl -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1',
    'for i in all default eth0; do sysctl -qw net.ipv4.conf.$i.send_redirects=0; done',
    'sysctl -w net.ipv4.vs.conntrack=1',
    'for a in 10 11 12 13 14 15 16; do ip addr add 10.99.0.$a/32 dev eth0; done',
    'ip -6 addr add fd00:99::10/128 dev eth0',
    # TCP NAT/masquerade
    'ipvsadm -A -t 10.99.0.10:80 -s rr',
    'ipvsadm -a -t 10.99.0.10:80 -r 10.99.0.21:8080 -m',
    'ipvsadm -a -t 10.99.0.10:80 -r 10.99.0.24:8080 -m',
    # TCP direct routing
    'ipvsadm -A -t 10.99.0.11:80 -s wlc',
    'ipvsadm -a -t 10.99.0.11:80 -r 10.99.0.22:80 -g',
    # TCP tunnel (ipip)
    'ipvsadm -A -t 10.99.0.12:80 -s rr',
    'ipvsadm -a -t 10.99.0.12:80 -r 10.99.0.23:80 -i',
    # UDP NAT
    'ipvsadm -A -u 10.99.0.13:53 -s rr',
    'ipvsadm -a -u 10.99.0.13:53 -r 10.99.0.21:5353 -m',
    'ipvsadm -a -u 10.99.0.13:53 -r 10.99.0.24:5353 -m',
    # persistent TCP NAT
    'ipvsadm -A -t 10.99.0.14:443 -s rr -p 300',
    'ipvsadm -a -t 10.99.0.14:443 -r 10.99.0.21:8443 -m',
    'ipvsadm -a -t 10.99.0.14:443 -r 10.99.0.24:8443 -m',
    # FTP (ip_vs_ftp helper is loaded at boot)
    'ipvsadm -A -t 10.99.0.15:21 -s rr',
    'ipvsadm -a -t 10.99.0.15:21 -r 10.99.0.21:21 -m',
    # UDP persistent with the SIP persistence engine (pe_data in v1 sync)
    'ipvsadm -A -u 10.99.0.16:5060 -s rr -p 60 --pe sip',
    'ipvsadm -a -u 10.99.0.16:5060 -r 10.99.0.21:5060 -m',
    'ipvsadm -a -u 10.99.0.16:5060 -r 10.99.0.24:5060 -m',
    # IPv6 TCP NAT
    'ipvsadm -A -t [fd00:99::10]:80 -s sh',
    'ipvsadm -a -t [fd00:99::10]:80 -r [fd00:99::21]:8080 -m',
]

SNAP_CMDS = ['ipvsadm -L -c -n', 'ipvsadm -L -c -n --persistent-conn', 'cat /proc/net/ip_vs_conn_sync',
             'ipvsadm -L --daemon']


def capture_one(outdir, ver, procs, args):
    tag = 'ipvs-sync-v%d' % ver
    P = lambda suffix: os.path.join(outdir, tag + suffix)  # noqa
    topo = Topo(with_rs=True)
    vm = None
    client = rs = None
    try:
        topo.up()
        log('namespaces %s (client/br0) and %s (real servers) up' % (topo.ns, topo.rs))
        rs = procs.spawn(topo.nsexec(topo.rs, sys.executable, os.path.join(HERE, 'rs_servers.py')), 'rs_servers',
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        wait_stdout_line(rs, 'READY', 20, 'rs_servers')
        td1 = start_tcpdump(procs, topo.ns, 'br0', P('.pcap'), ['udp', 'and', 'dst', 'port', str(SYNC_PORT)])
        td2 = start_tcpdump(procs, topo.ns, 'br0', P('.traffic.pcap'), [], snaplen=512)
        vm = VM(procs, topo.ns, 'kipvs.ip=%s/24 kipvs.ip6=%s/64 kipvs.role=master kipvs.syncid=7 kipvs.syncver=%d'
                % (VM4, VM6, ver), P('.console.log'))
        vm.start()
        vm.wait_ready(args.boot_timeout)
        cfg = []
        setup = list(MASTER_SETUP) + ['sysctl -w ' + kv for kv in (args.vm_sysctl or [])]
        for c in setup:
            rc, o = vm.run(c)
            cfg.append('$ %s  [rc=%d]\n%s' % (c, rc, o) if o else '$ %s  [rc=%d]' % (c, rc))
            if rc:
                log('warning: VM command failed rc=%d: %s: %s' % (rc, c, o))
        for c in ['ipvsadm -S -n', 'ipvsadm -L --daemon', 'ipvsadm -L --timeout',
                  'cd /proc/sys/net/ipv4/vs && for f in *; do echo "$f = $(cat $f)"; done',
                  'uname -a', 'lsmod']:
            cfg.append('$ %s\n%s' % (c, vm.out(c)))
        with open(P('.master-config.txt'), 'w') as f:
            f.write('\n'.join(cfg) + '\n')

        client = procs.spawn(topo.nsexec(topo.ns, 'env', 'KIPVS_HOST_ADDR=' + HOST4, sys.executable,
                                         os.path.join(HERE, 'client_traffic.py')),
                             'client_traffic', stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        wait_stdout_line(client, 'READY', 20, 'client_traffic')
        timeline = open(P('.master-timeline.txt'), 'w')
        clog = open(P('.client.log'), 'w')

        def snap(name):
            timeline.write('===== snapshot "%s" at +%.1fs (syncver=%d)\n' % (name, time.time() - T0, ver))
            for c in SNAP_CMDS:
                timeline.write('$ %s\n%s\n' % (c, vm.out(c)))
            timeline.flush()

        def phase(ph):
            client.stdin.write(ph + '\n')
            client.stdin.flush()
            line = wait_stdout_line(client, 'done ' + ph, 90, 'client phase ' + ph).strip()
            log(line)
            clog.write('+%.1fs %s\n' % (time.time() - T0, line))
            clog.flush()
            time.sleep(0.5)

        snap('after-setup')
        for ph in ('nat', 'dr', 'tun', 'udp', 'persist', 'ftp', 'sip', 'ipv6'):
            phase(ph)
            snap('after-' + ph)
        time.sleep(3)  # master flushes its sync buffer at most 2 s after first use
        snap('after-traffic')
        for fn, c in (('.master-Lcn.txt', 'ipvsadm -L -c -n'), ('.master-Ln.txt', 'ipvsadm -L -n'),
                      ('.master-Lcn-persistent.txt', 'ipvsadm -L -c -n --persistent-conn'),
                      ('.master-Ln-stats.txt', 'ipvsadm -L -n --stats'),
                      ('.master-conn_sync.txt', 'cat /proc/net/ip_vs_conn_sync')):
            rc, o = vm.run(c)
            with open(P(fn), 'w') as f:
                f.write(o + '\n')
        # syncid variant: restart the master daemon with syncid 8 for a few conns
        log('restarting master daemon with --syncid 8')
        vm.run('ipvsadm --stop-daemon master && ipvsadm --start-daemon master --mcast-interface eth0 --syncid 8',
               check=True)
        phase('extra')
        time.sleep(3)
        snap('after-extra-syncid8')
        vm.run('ipvsadm --stop-daemon master && ipvsadm --start-daemon master --mcast-interface eth0 --syncid 7',
               check=True)
        phase('release')
        time.sleep(3)
        snap('after-release-syncid7')
        timeline.write('$ dmesg\n%s\n' % vm.out('dmesg'))
        timeline.close()
        client.stdin.write('exit\n')
        client.stdin.flush()
        time.sleep(1)
        for td in (td1, td2):
            procs.stop(td, signal.SIGINT)
        clog.close()
    finally:
        if vm:
            vm.poweroff()
        for p in (client, rs):
            if p:
                procs.stop(p)
        procs.stop_all()
        topo.down()
    # decode for the record
    dec = subprocess.run([sys.executable, os.path.join(TOP, 'ipvs_sync_pcap.py'), 'decode', P('.pcap')],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    with open(P('.decoded.txt'), 'w') as f:
        f.write(dec)
    n = dec.count('\n#') + (1 if dec.startswith('#') else 0)
    log('%s: %d sync datagrams captured' % (P('.pcap'), n))
    if subprocess.run(['which', 'tshark'], stdout=subprocess.DEVNULL).returncode == 0:
        t = subprocess.run(['tshark', '-r', P('.pcap'), '-V', '-d', 'udp.port==%d,ipvs' % SYNC_PORT],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
        with open(P('.tshark.txt'), 'w') as f:
            f.write(t)


def cmd_capture(args):
    os.makedirs(args.outdir, exist_ok=True)
    procs = Procs()
    vers = [int(v) for v in args.versions.split(',')]
    try:
        for v in vers:
            log('=== capture with net.ipv4.vs.sync_version=%d' % v)
            capture_one(os.path.abspath(args.outdir), v, procs, args)
    finally:
        procs.stop_all()
    log('done; files in %s' % args.outdir)

# ------------------------------------------------------------------ backup


def cmd_backup(args):
    procs = Procs()
    topo = Topo(with_rs=False)
    vm = None
    rc = 0
    console = args.console_log or '/tmp/kipvs-backup-%d.console.log' % os.getpid()
    try:
        topo.up()
        vm = VM(procs, topo.ns, 'kipvs.ip=%s/24 kipvs.ip6=%s/64 kipvs.role=backup kipvs.syncid=%d kipvs.syncver=%d'
                % (VM4, VM6, args.syncid, args.version), console)
        vm.start()
        vm.wait_ready(args.boot_timeout)
        log('daemon: ' + vm.out('ipvsadm -L --daemon').strip().replace('\n', '; '))
        time.sleep(1)
        env = ['env', 'KIPVS_HOST_ADDR=' + HOST4, 'KIPVS_VM_ADDR=' + VM4, 'KIPVS_SYNC_GROUP=' + SYNC_GROUP,
               'KIPVS_SYNC_PORT=%d' % SYNC_PORT, 'KIPVS_NETNS=' + topo.ns, 'KIPVS_SYNCID=%d' % args.syncid]
        log('running sender in %s: %s' % (topo.ns, ' '.join(args.sender)))
        sp = procs.spawn(topo.nsexec(topo.ns, *env, *args.sender), 'sender', stdout=sys.stderr, stderr=sys.stderr)
        try:
            rc = sp.wait(args.sender_timeout)
        except subprocess.TimeoutExpired:
            log('sender still running after %ss; stopping it' % args.sender_timeout)
            procs.stop(sp)
            rc = 124
        if rc:
            log('sender exited with rc=%d' % rc)
        time.sleep(args.wait)
        out = vm.out('ipvsadm -L -c -n')
        sys.stdout.write(out + '\n')
        if args.show_extra:
            for c in ('ipvsadm -L -c -n --persistent-conn', 'cat /proc/net/ip_vs_conn_sync'):
                sys.stdout.write('### %s\n%s\n' % (c, vm.out(c)))
        if args.show_dmesg:
            sys.stdout.write('### dmesg (IPVS lines)\n%s\n' % vm.out("dmesg | grep IPVS || true"))
        sys.stdout.flush()
    finally:
        if vm:
            vm.poweroff()
        procs.stop_all()
        topo.down()
    return rc


def cmd_probe(args):
    """Can this host boot the image under KVM in reasonable time?"""
    procs = Procs()
    vm = VM(procs, None, '', '/tmp/kipvs-probe-%d.log' % os.getpid(), accel='kvm', net=False)
    ok = False
    try:
        vm.start()
        vm.wait_ready(args.timeout)
        ok = True
    except (TimeoutError, RuntimeError) as e:
        log('KVM probe failed: %s' % e)
    finally:
        vm.poweroff() if ok else procs.stop_all()
    print('kvm' if ok else 'tcg')


def main():
    install_signal_handlers()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('capture')
    p.add_argument('outdir')
    p.add_argument('--versions', default='1,0', help='sync_version values to capture (default 1,0)')
    p.add_argument('--boot-timeout', type=int, default=180)
    p.add_argument('--vm-sysctl', action='append', metavar='KEY=VALUE',
                   help='extra sysctl for the master VM, e.g. "net.ipv4.vs.sync_threshold=2 10" (repeatable)')
    p = sub.add_parser('backup-check')
    p.add_argument('--syncid', type=int, default=0, help='backup --syncid (0 = accept any)')
    p.add_argument('--version', type=int, choices=[0, 1], default=1, help='net.ipv4.vs.sync_version in the VM')
    p.add_argument('--wait', type=float, default=3, help='seconds to wait after the sender exits')
    p.add_argument('--sender-timeout', type=float, default=120)
    p.add_argument('--boot-timeout', type=int, default=180)
    p.add_argument('--show-extra', action='store_true', help='also print --persistent-conn and ip_vs_conn_sync')
    p.add_argument('--show-dmesg', action='store_true', help='also print IPVS lines of the VM dmesg')
    p.add_argument('--console-log', help='where to write the VM console (default /tmp/kipvs-backup-PID.console.log)')
    p.add_argument('sender', nargs=argparse.REMAINDER)
    p = sub.add_parser('probe-accel')
    p.add_argument('--timeout', type=int, default=40)
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit('must run as root (network namespaces, tap)')
    try:
        if args.cmd == 'capture':
            cmd_capture(args)
        elif args.cmd == 'backup-check':
            if args.sender and args.sender[0] == '--':
                args.sender = args.sender[1:]
            if not args.sender:
                raise SystemExit('usage: backup-check.sh [options] -- SENDER_COMMAND...')
            sys.exit(cmd_backup(args))
        elif args.cmd == 'probe-accel':
            cmd_probe(args)
    except KeyboardInterrupt as e:
        log('interrupted: %s' % e)
        sys.exit(130)


if __name__ == '__main__':
    main()
