package config

// VerifyConfig is the [verify] section: backends, Lean project, REPL binary,
// Kimina URL, timeouts and concurrency. (Filled in by the verification work.)
type VerifyConfig struct{}
