package stepwise

// ProofStatus is the verdict on a formal statement (DESIGN §5).
type ProofStatus string

// Proof statuses. Stored is the status a dataset shipped, shown as is until
// the statement is re-checked.
const (
	StatusProved                 ProofStatus = "proved"
	StatusProvedTrustingCompiler ProofStatus = "proved_trusting_compiler"
	StatusDisproved              ProofStatus = "disproved"
	StatusVacuous                ProofStatus = "vacuous"
	StatusFailed                 ProofStatus = "failed"
	StatusSorry                  ProofStatus = "sorry"
	StatusStatementError         ProofStatus = "statement_error"
	StatusTimeout                ProofStatus = "timeout"
	StatusBackendError           ProofStatus = "backend_error"
	StatusUnsupported            ProofStatus = "unsupported"
	StatusSkipped                ProofStatus = "skipped"
	StatusStored                 ProofStatus = "stored"
)

// FormalOrigin says where a formalization came from.
type FormalOrigin string

// Formalization origins.
const (
	FormalImported FormalOrigin = "imported"
	FormalRule     FormalOrigin = "rule"
	FormalLLM      FormalOrigin = "llm"
)

// Formalization is a step's formal statement with its proof status and evidence.
type Formalization struct {
	Statement string       `json:"statement,omitempty"`
	Proof     string       `json:"proof,omitempty"`
	Header    string       `json:"header,omitempty"`
	Origin    FormalOrigin `json:"origin"`
	Status    ProofStatus  `json:"status"`
	// StoredState is the dataset's own status text ("Success of Proof"), kept
	// when Status is StatusStored.
	StoredState string   `json:"stored_state,omitempty"`
	Backend     string   `json:"backend,omitempty"`
	Toolchain   string   `json:"toolchain,omitempty"`
	Messages    []string `json:"messages,omitempty"`
	// Evidence is what backs the status: a counterexample, the evaluator's
	// working, a checked proof.
	Evidence  string  `json:"evidence,omitempty"`
	ElapsedMS float64 `json:"elapsed_ms,omitempty"`
	CacheKey  string  `json:"cache_key,omitempty"`
}

// SafeState maps one of Safe's four step states to the status a re-check
// would be expected to confirm: "Success of Proof" → proved, "Failure of
// Proof" → failed, "Failed Formalization" → statement_error, "No Verification
// Required" → skipped. ok is false for any other text.
func SafeState(state string) (ProofStatus, bool) {
	switch state {
	case "Success of Proof":
		return StatusProved, true
	case "Failure of Proof":
		return StatusFailed, true
	case "Failed Formalization":
		return StatusStatementError, true
	case "No Verification Required":
		return StatusSkipped, true
	}
	return "", false
}
