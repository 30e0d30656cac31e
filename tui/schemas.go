package tui

import (
	"fmt"
	"slices"

	"github.com/stepwise-dev/stepwise"
)

// defaultSchema is the stock PRM800K ratings, the schema of a dataset
// the configuration does not name (config.DefaultSchema: the tui does not
// import the configuration, the command hands it over in Options).
const defaultSchema = "prm800k"

// keyedSchemas copies the schemas and assigns each question a key. The
// keys live in their own key space, behind the answer key (`;`): the trace
// view already binds all but a handful of letters, and a schema may name
// any key, so sharing the workbench's keys would make some schemas
// unusable. Nothing is taken there but the keys the question mode needs.
func keyedSchemas(in map[string]*stepwise.Schema) (map[string]*stepwise.Schema, error) {
	out := make(map[string]*stepwise.Schema, len(in))
	for name, s := range in {
		cp := *s
		cp.Questions = slices.Clone(s.Questions)
		if err := cp.AssignKeys(nil); err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		out[name] = &cp
	}
	return out, nil
}

// schemaName is the name of the active schema of a dataset.
func (c *programContext) schemaName(dataset string) string {
	if c.opts.SchemaFor == nil {
		return defaultSchema
	}
	return c.opts.SchemaFor(dataset)
}

// schemaOf is the active schema of the open trace's dataset, nil when it
// asks nothing beyond the ratings.
func (c *programContext) schemaOf(doc *traceDoc) *stepwise.Schema {
	if doc == nil || doc.t == nil {
		return nil
	}
	s := c.schemas[c.schemaName(doc.t.Dataset)]
	if s == nil || len(s.Questions) == 0 {
		return nil
	}
	return s
}

// questionByKey is the question of s asked by key.
func questionByKey(s *stepwise.Schema, key string) *stepwise.Question {
	for i := range s.Questions {
		if s.Questions[i].Key == key {
			return &s.Questions[i]
		}
	}
	return nil
}
