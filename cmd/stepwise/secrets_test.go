package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise/store"
)

// TestEchoedKeyIsNeverStored: an endpoint that answers every call with an
// error echoing the API key makes the judge fail, and the failed run is
// stored with its error; the key must appear nowhere: not in the output,
// not in the store file, not in an export of the runs. The endpoint and
// model come from the environment alone (no configuration file).
func TestEchoedKeyIsNeverStored(t *testing.T) {
	const key = "sk-live-do-not-store-0123456789"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":{"message":"endpoint answered: invalid key %s","type":"invalid_request_error"}}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	t.Setenv("STEPWISE_CONFIG", "")
	t.Setenv("OPENAI_BASE_URL", srv.URL+"/v1")
	t.Setenv("OPENAI_API_KEY", key)
	t.Setenv("STEPWISE_JUDGE_MODEL", "echo-model")
	pb := filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json")
	if code, _, errs := runCLI(t, "", "--db", db, "import", pb); code != exitOK {
		t.Fatal(errs)
	}
	code, out, errs := runCLI(t, "", "--db", db, "judge", "gsm8k-0", "--yes", "--no-code")
	if code == exitOK {
		t.Fatalf("a judge run against a failing endpoint succeeded: %s", out)
	}
	if !strings.Contains(out+errs, "echo-model") && !strings.Contains(out+errs, "400") {
		t.Errorf("the run did not reach the endpoint from the environment's settings:\n%s\n%s", out, errs)
	}
	_, jout, _ := runCLI(t, "", "--db", db, "judge", "--agreement", "--json")
	store, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	// Stored runs are deflated: read them back whole.
	sdb, err := storeOpenRO(db)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := sdb.Analyses("processbench/gsm8k:gsm8k-0")
	sdb.Close()
	if err != nil || len(runs) == 0 {
		t.Fatalf("the failed run was not stored (%d runs, %v)", len(runs), err)
	}
	stored, _ := json.Marshal(runs)
	if !bytes.Contains(stored, []byte("400")) {
		t.Errorf("the stored run does not carry the endpoint's error: %s", stored)
	}
	for where, text := range map[string][]byte{"stdout": []byte(out), "stderr": []byte(errs), "store file": store,
		"agreement": []byte(jout), "stored runs": stored} {
		if bytes.Contains(text, []byte(key)) || bytes.Contains(text, []byte("do-not-store")) {
			t.Errorf("the API key is in the %s", where)
		}
	}
}

func storeOpenRO(path string) (*store.DB, error) {
	return store.Open(path, store.Options{ReadOnly: true})
}
