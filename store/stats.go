package store

import (
	"bytes"
	"encoding/json"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Stats are the store's running counts: by dataset, model, correctness,
// label state, truncation and format, overall and per dataset.
type Stats struct {
	Path   string `json:"path"`
	Traces int    `json:"traces"`
	// Problems is the number of distinct problems.
	Problems int `json:"problems"`
	// By maps a field to value → count, over all traces.
	By map[string]map[string]int `json:"by"`
	// Datasets maps a dataset to field → value → count.
	Datasets map[string]map[string]map[string]int `json:"datasets"`
	Bytes    int64                                `json:"file_bytes"`
}

// Stats reads the running counts; it does not scan traces.
func (db *DB) Stats() (*Stats, error) {
	st := &Stats{Path: db.path, By: map[string]map[string]int{}, Datasets: map[string]map[string]map[string]int{}}
	err := db.view(func(tx *bolt.Tx) error {
		st.Bytes = tx.Size()
		st.Problems = tx.Bucket(schema.Problems).Stats().KeyN
		return tx.Bucket(schema.Counts).ForEach(func(k, v []byte) error {
			n := int(schema.GetUint(tx.Bucket(schema.Counts), k))
			if string(k) == "total" {
				st.Traces = n
				return nil
			}
			parts := strings.Split(string(k), "\x00")
			switch len(parts) {
			case 2:
				add(st.By, parts[0], parts[1], n)
			case 4:
				m := st.Datasets[parts[1]]
				if m == nil {
					m = map[string]map[string]int{}
					st.Datasets[parts[1]] = m
				}
				add(m, parts[2], parts[3], n)
			}
			return nil
		})
	})
	return st, err
}

func add(m map[string]map[string]int, field, value string, n int) {
	if m[field] == nil {
		m[field] = map[string]int{}
	}
	m[field][value] += n
}

// ImportRun records one import for `stats`: when, what, and its report.
type ImportRun struct {
	Time   string        `json:"time"`
	Paths  []string      `json:"paths"`
	Report *ImportReport `json:"report"`
}

// RecordImport appends an import run to the store's history.
func (db *DB) RecordImport(run ImportRun) error {
	b, err := json.Marshal(run)
	if err != nil {
		return err
	}
	return db.update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(schema.Imports)
		seq, err := bk.NextSequence()
		if err != nil {
			return err
		}
		return bk.Put(schema.U64(seq), b)
	})
}

// Imports lists recorded import runs, oldest first.
func (db *DB) Imports() ([]ImportRun, error) {
	var out []ImportRun
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(schema.Imports).ForEach(func(_, v []byte) error {
			var r ImportRun
			if err := json.Unmarshal(bytes.Clone(v), &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// Setting reads a value the application keeps in the store's meta bucket
// (the demo data version, for one); "" when unset.
func (db *DB) Setting(key string) (string, error) {
	var v string
	err := db.view(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(schema.Meta).Get([]byte("app." + key)))
		return nil
	})
	return v, err
}

// SetSetting stores an application value in the meta bucket.
func (db *DB) SetSetting(key, value string) error {
	return db.update(func(tx *bolt.Tx) error {
		return tx.Bucket(schema.Meta).Put([]byte("app."+key), []byte(value))
	})
}
