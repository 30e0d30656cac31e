package sandbox

import (
	"encoding/binary"
	"runtime"
	"syscall"
)

// A seccomp filter (classic BPF, handed to bubblewrap with --seccomp) is
// the sandbox's last layer: namespaces, dropped capabilities and rlimits
// already confine the checker, and the filter takes away the kernel
// interfaces a Python checker never needs and that kernel exploits and
// escapes lean on — ptrace and cross-process memory access, keyrings,
// bpf, perf, userfaultfd, io_uring, new namespaces, module and mount
// calls. A denied call fails with EPERM (clone3 with ENOSYS, so that the C
// library falls back to clone, whose flags the filter can read). The
// syscall numbers are per architecture; on one without a table here the
// sandbox runs without the filter, and Filtered says so.

// Classic BPF and seccomp constants (linux/filter.h, linux/seccomp.h).
const (
	bpfLdWAbs  = 0x20 // BPF_LD | BPF_W | BPF_ABS
	bpfJeqK    = 0x15 // BPF_JMP | BPF_JEQ | BPF_K
	bpfJgeK    = 0x35 // BPF_JMP | BPF_JGE | BPF_K
	bpfJsetK   = 0x45 // BPF_JMP | BPF_JSET | BPF_K
	bpfRetK    = 0x06 // BPF_RET | BPF_K
	retAllow   = 0x7fff0000
	retErrno   = 0x00050000
	retKillAll = 0x80000000

	offNr   = 0  // seccomp_data.nr
	offArch = 4  // seccomp_data.arch
	offArg0 = 16 // seccomp_data.args[0], low 32 bits on little-endian

	auditArchX8664 = 0xc000003e
	x32SyscallBit  = 0x40000000

	// cloneNamespaces are clone's flags that make a new namespace.
	cloneNamespaces = syscall.CLONE_NEWNS | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC |
		syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNET | 0x02000000 // CLONE_NEWCGROUP
)

// deniedAMD64 are the x86-64 syscall numbers the filter refuses.
var deniedAMD64 = []uint32{
	101, 310, 311, // ptrace, process_vm_readv, process_vm_writev
	248, 249, 250, // add_key, request_key, keyctl
	321, 298, 323, // bpf, perf_event_open, userfaultfd
	425, 426, 427, // io_uring_setup, io_uring_enter, io_uring_register
	272, 308, // unshare, setns
	165, 166, 155, 161, // mount, umount2, pivot_root, chroot
	175, 313, 176, // init_module, finit_module, delete_module
	246, 320, 169, // kexec_load, kexec_file_load, reboot
	167, 168, 163, // swapon, swapoff, acct
	164, 227, 159, // settimeofday, clock_settime, adjtimex
	303, 304, 212, // name_to_handle_at, open_by_handle_at, lookup_dcookie
	172, 173, 103, // iopl, ioperm, syslog
	300, 179, 153, // fanotify_init, quotactl, vhangup
	428, 429, 430, 431, 432, // open_tree, move_mount, fsopen, fsconfig, fsmount
}

const (
	nrCloneAMD64  = 56
	nrClone3AMD64 = 435
)

type sockFilter struct {
	code   uint16
	jt, jf uint8
	k      uint32
}

// seccompProgram returns the filter as bubblewrap reads it (struct
// sock_filter, native byte order), or nil when this architecture has no
// syscall table here.
func seccompProgram() []byte {
	if runtime.GOARCH != "amd64" {
		return nil
	}
	deny := func(errno syscall.Errno) uint32 { return retErrno | uint32(errno) }
	p := []sockFilter{
		{bpfLdWAbs, 0, 0, offArch},
		{bpfJeqK, 1, 0, auditArchX8664}, // another ABI: kill
		{bpfRetK, 0, 0, retKillAll},
		{bpfLdWAbs, 0, 0, offNr},
		{bpfJgeK, 0, 1, x32SyscallBit}, // the x32 ABI's numbers: refuse
		{bpfRetK, 0, 0, deny(syscall.EPERM)},
	}
	for _, nr := range deniedAMD64 {
		p = append(p, sockFilter{bpfJeqK, 0, 1, nr}, sockFilter{bpfRetK, 0, 0, deny(syscall.EPERM)})
	}
	p = append(p,
		sockFilter{bpfJeqK, 0, 1, nrClone3AMD64},
		sockFilter{bpfRetK, 0, 0, deny(syscall.ENOSYS)},
		sockFilter{bpfJeqK, 0, 3, nrCloneAMD64}, // not clone: allow
		sockFilter{bpfLdWAbs, 0, 0, offArg0},
		sockFilter{bpfJsetK, 0, 1, cloneNamespaces},
		sockFilter{bpfRetK, 0, 0, deny(syscall.EPERM)},
		sockFilter{bpfRetK, 0, 0, retAllow},
	)
	out := make([]byte, 0, 8*len(p))
	for _, f := range p {
		out = binary.NativeEndian.AppendUint16(out, f.code)
		out = append(out, f.jt, f.jf)
		out = binary.NativeEndian.AppendUint32(out, f.k)
	}
	return out
}

// Filtered reports whether sandboxed runs here get the seccomp filter.
func Filtered() bool { return seccompProgram() != nil }
