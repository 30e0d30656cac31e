//go:build unix

package main

import "syscall"

// processCPUSeconds is the CPU time the process has used (user + system):
// on a shared machine a steadier measure than wall time.
func processCPUSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
