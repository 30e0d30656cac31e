package formats

import (
	"encoding/json"
	"fmt"

	"github.com/stepwise-dev/stepwise"
)

// webr reads instruction data synthesized from web documents (WebR, "Web
// Reconstruction"): a record pairs a source document (`webpage`) with an
// instruction (`request`) and a response (`response`), plus the author
// persona the pipeline inferred (`author`) and the kind of pair
// (`category`: WI_all, WI_part — the web page as instruction — or WR_all,
// WR_part — as response). Field names are those of the WebR pipeline's
// records (YJiangcm/WebR, post_process.py). The trace holds the document
// and the response, each a section whose paragraphs are steps, so that the
// workbench shows them side by side and span questions select words of
// the response; the instruction is the problem.
type webr struct{}

func (webr) Name() string { return "webr" }
func (webr) Describe() string {
	return "WebR instruction pairs from web documents: webpage, request, response (author, category)"
}

func (webr) Detect(k Keys) bool { return k.Has("webpage", "request", "response") }

func (webr) Decode(rec Record, opts *Options) ([]Item, error) {
	var r struct {
		Webpage  *string `json:"webpage"`
		Request  *string `json:"request"`
		Response *string `json:"response"`
		Author   string  `json:"author"`
		Category string  `json:"category"`
		ID       any     `json:"id"`
	}
	if err := json.Unmarshal(rec.Data, &r); err != nil {
		return nil, err
	}
	if r.Webpage == nil || r.Request == nil || r.Response == nil {
		return nil, fmt.Errorf("missing webpage, request or response")
	}
	const sep = "\n\n"
	t := &stepwise.Trace{Raw: *r.Webpage + sep + *r.Response, Segmenter: "webr: document, then response; paragraphs",
		Model: pick(opts.Model, "", false, "webr")}
	t.Dataset = pick(opts.Dataset, "", false, "webr")
	if r.Category != "" && opts.Dataset == "" {
		t.Dataset = "webr/" + r.Category
	}
	doc := splitSpans(*r.Webpage, "\n", 0)
	stepsFromSpans(t, stepwise.StepMessage, doc)
	for i := range t.Steps {
		t.Steps[i].Role = "document"
	}
	resStart := len(*r.Webpage) + len(sep)
	t.Sections = append(t.Sections, stepwise.Section{Kind: stepwise.SectionLabeled, Title: "document",
		Span: stepwise.Span{Start: 0, End: len(*r.Webpage)}, FirstStep: 0, EndStep: len(t.Steps)})
	first := len(t.Steps)
	stepsFromSpans(t, stepwise.StepAnswer, splitSpans(*r.Response, "\n", resStart))
	t.Sections = append(t.Sections, stepwise.Section{Kind: stepwise.SectionLabeled, Title: "response",
		Span: stepwise.Span{Start: resStart, End: len(t.Raw)}, FirstStep: first, EndStep: len(t.Steps)})
	if len(t.Steps) == first {
		return nil, fmt.Errorf("the response is empty")
	}
	t.Meta = map[string]string{}
	if r.Author != "" {
		t.Meta["author"] = r.Author
	}
	if r.Category != "" {
		t.Meta["category"] = r.Category
	}
	if id, ok := scalarID(r.ID); ok {
		t.SourceID = id
	}
	p := &stepwise.Problem{Text: *r.Request, Dataset: t.Dataset}
	return []Item{{Problem: p, Trace: t}}, nil
}

// scalarID is a string or number id as text.
func scalarID(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case float64:
		return fmt.Sprint(x), true
	}
	return "", false
}
