package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
)

// retentionSamplePages adds the retention screens, with every part shown,
// to TestEveryPageRendersInBothLanguages.
func retentionSamplePages(pages map[string]any, p Page, at time.Time) {
	plan := privacy.Plan{AsOf: at, Steps: []privacy.Step{
		{Policy: privacy.Prospects, Action: privacy.Delete, Target: "contacts", Count: 2, Samples: []privacy.Sample{{Ref: "#1", Name: "<b>Léa</b>"}, {Ref: "#2"}}},
		{Policy: privacy.Clients, Action: privacy.Archive, Target: "contacts", Count: 1},
		{Policy: privacy.AccountingDocs, Action: privacy.Delete, Target: "documents", Count: 0}}}
	pages["privacy_retention"] = &retentionPageData{Page: p, Policies: privacy.DefaultPolicies, Edit: privacy.Prospects,
		Form:   service.PolicyInput{Active: privacy.Period{Years: 9}},
		Errors: fieldErrors(errs.Fields{{Field: "archive", Code: "retention_over_max"}, {Field: "active", Code: "retention_negative"}}.Err("t")),
		AsOf:   "2028-11-25", Plan: &plan,
		Runs: []privacy.Run{{ID: 1, StartedAt: at, FinishedAt: &at, AsOf: "2028-11-25", DryRun: true, Steps: plan.Steps},
			{ID: 2, StartedAt: at, AsOf: "2026-11-25", Error: "x"}}}
	pages["privacy_archive"] = &archivePageData{Page: p, Contacts: []privacy.ArchivedContact{
		{ID: 1, Name: "<b>Dormante</b>", Client: true, Supplier: true, EndedAt: &at, ArchivedAt: at}, {ID: 2, Name: "X", ArchivedAt: at}}}
}

// FuzzDecodeRetentionBodies feeds arbitrary bodies to the retention API's
// decoders (a policy's periods, a run): failures are client errors, never
// internal ones, and a decoded policy is always checked within bounds.
func FuzzDecodeRetentionBodies(f *testing.F) {
	for _, s := range []string{`{}`, `{"active":{"years":2}}`, `{"active":{"years":-1},"archive":{"days":99999999999}}`,
		`{"dry_run":true,"as_of":"2028-01-01"}`, `{"as_of":1}`, `[`, `null`, `{"x":1}`, ``} {
		f.Add(s)
	}
	def, _ := privacy.DefaultPolicy(privacy.Prospects)
	f.Fuzz(func(t *testing.T, body string) {
		var in struct {
			Active  privacy.Period `json:"active"`
			Archive privacy.Period `json:"archive"`
		}
		r := httptest.NewRequest("PUT", "/api/v1/privacy/retention/policies/prospects", strings.NewReader(body))
		err := decodeJSON(httptest.NewRecorder(), r, &in)
		if err != nil && !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.TooLarge) {
			t.Fatalf("policy body %q: %v is not a client error", body, err)
		}
		if err == nil {
			p := def
			p.Active, p.Archive = in.Active, in.Archive
			if err := p.Check(def); err != nil && !errs.Is(err, errs.Invalid) {
				t.Fatalf("check of %+v: %v", in, err)
			} else if err == nil && p.Total().ApproxDays() > def.Max.ApproxDays()+3 {
				t.Fatalf("%+v accepted beyond %+v", in, def.Max)
			}
		}
		var run runInput
		r = httptest.NewRequest("POST", "/api/v1/privacy/retention/runs", strings.NewReader(body))
		if err := decodeOptionalJSON(httptest.NewRecorder(), r, &run); err != nil && !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.TooLarge) {
			t.Fatalf("run body %q: %v is not a client error", body, err)
		}
	})
}
