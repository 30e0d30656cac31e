//go:build !unix

package main

// processCPUSeconds is not measured here.
func processCPUSeconds() float64 { return 0 }
