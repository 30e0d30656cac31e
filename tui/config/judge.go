package config

// JudgeConfig is the [judge] section: endpoint profiles and defaults.
// (Filled in by the judge work.)
type JudgeConfig struct{}
