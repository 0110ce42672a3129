"""First step of a sandboxed kernel, run as root by path (``python -I -S sandbox_launch.py``).

    sandbox_launch.py [--cgroup DIR]... -- prlimit … bwrap … setpriv … python -m ipykernel_launcher …

Before it execs the rest of the command line it

1. moves itself into each cgroup folder given (``cgroup.procs``), so the kernel and everything it
   ever forks are counted and killed together (memory, number of processes, CPU share);
2. joins a new, empty session keyring, so the grader's own session keyring is not inherited;
3. installs a seccomp filter that makes ``add_key``, ``request_key`` and ``keyctl`` fail with EPERM
   (for the x86-64, i386 and x32 system-call tables, and on arm64), as Docker's default profile does:
   the kernel's keyrings are per uid, not per sandbox, so a kernel could otherwise leave data in the
   user keyring for the next job that runs under the same uid. The filter is inherited by every
   process the kernel starts and cannot be removed.

It imports nothing but the standard library's ``os``, ``sys``, ``ctypes`` and ``struct``, so it
starts in a few milliseconds.
"""

import ctypes
import os
import struct
import sys

PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EPERM = 1
AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_I386 = 0x40000003
AUDIT_ARCH_AARCH64 = 0xC00000B7
X32_BIT = 0x40000000
KEY_SYSCALLS = {
    AUDIT_ARCH_X86_64: (248, 249, 250),  # add_key, request_key, keyctl
    AUDIT_ARCH_I386: (286, 287, 288),
    AUDIT_ARCH_AARCH64: (217, 218, 219),
}
KEYCTL_JOIN_SESSION_KEYRING = 1
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219, "i686": 288, "i386": 288}

# classic BPF opcodes
LD_W_ABS = 0x20
JEQ_K = 0x15
JGE_K = 0x35
RET_K = 0x06


def _insn(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)


def filter_program() -> bytes:
    """Deny the keyring system calls of every ABI this machine can run; allow the rest.

    Layout: load the arch; one ``jeq`` per known arch to its block; allow (unknown arch); the
    blocks (load the syscall number, ``jeq`` each denied number to the final deny); deny."""
    blocks = []
    for arch, nrs in KEY_SYSCALLS.items():
        body = [("ld", 0)]
        if arch == AUDIT_ARCH_X86_64:
            body.append(("jge", X32_BIT))  # the x32 ABI (numbers with bit 30 set): denied as a whole
        body += [("jeq", n) for n in nrs]
        body.append(("ret", SECCOMP_RET_ALLOW))
        blocks.append((arch, body))
    n = len(blocks)
    first_block = 1 + n + 1
    starts, pos = [], first_block
    for _, body in blocks:
        starts.append(pos)
        pos += len(body)
    deny_at = pos
    out = [_insn(LD_W_ABS, 0, 0, 4)]  # seccomp_data.arch
    for i, (arch, _) in enumerate(blocks):
        here = 1 + i
        out.append(_insn(JEQ_K, starts[i] - here - 1, 0, arch))
    out.append(_insn(RET_K, 0, 0, SECCOMP_RET_ALLOW))
    for (_, body), start in zip(blocks, starts):
        for j, (op, k) in enumerate(body):
            here = start + j
            if op == "ld":
                out.append(_insn(LD_W_ABS, 0, 0, k))  # seccomp_data.nr
            elif op == "jeq":
                out.append(_insn(JEQ_K, deny_at - here - 1, 0, k))
            elif op == "jge":
                out.append(_insn(JGE_K, deny_at - here - 1, 0, k))
            else:
                out.append(_insn(RET_K, 0, 0, k))
    out.append(_insn(RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM))
    assert len(out) == deny_at + 1
    return b"".join(out)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install_filter(libc) -> None:
    prog = filter_program()
    buf = ctypes.create_string_buffer(prog, len(prog))
    fprog = _SockFprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "cannot install the seccomp filter: " + os.strerror(err))


def new_session_keyring(libc) -> None:
    nr = SYS_KEYCTL.get(os.uname().machine)
    if nr is None:
        return
    libc.syscall(ctypes.c_long(nr), ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING), ctypes.c_void_p(None))
    # failure (no keyring support in this kernel) is fine: the filter below blocks keyrings anyway


def main(argv) -> int:
    cgroups = []
    while argv and argv[0] != "--":
        if argv[0] == "--cgroup" and len(argv) > 1:
            cgroups.append(argv[1])
            argv = argv[2:]
        else:
            print(f"sandbox_launch: unknown argument {argv[0]!r}", file=sys.stderr)
            return 2
    argv = argv[1:]
    if not argv:
        print("sandbox_launch: nothing to run", file=sys.stderr)
        return 2
    for folder in cgroups:
        with open(os.path.join(folder, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
    libc = ctypes.CDLL(None, use_errno=True)
    new_session_keyring(libc)
    install_filter(libc)
    os.execvp(argv[0], argv)
    return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
