package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestMain keeps the tests away from the user's configuration and data: an
// empty config folder and data folder of their own (a test that needs a
// config writes one and points STEPWISE_CONFIG at it).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "stepwise-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for k, v := range map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_DATA_HOME":   filepath.Join(dir, "data"),
		"STEPWISE_CONFIG": filepath.Join(dir, "config", "stepwise", "config.toml"),
	} {
		os.Setenv(k, v)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
