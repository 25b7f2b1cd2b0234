package privacy

import (
	"testing"
	"time"

	"github.com/comptoir/comptoir/errs"
)

// TestCutoff: a record that started on a day outlives a period on the
// day the period ends, whatever the hour, and not the day before.
func TestCutoff(t *testing.T) {
	start := time.Date(2026, 3, 2, 22, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		asOf   string
		period Period
		gone   bool
	}{
		{"2028-03-01", Period{Years: 2}, false},
		{"2028-03-02", Period{Years: 2}, true},
		{"2028-03-03", Period{Years: 2}, true},
		{"2026-03-31", Period{Days: 30}, false},
		{"2026-04-01", Period{Days: 30}, true},
		{"2026-03-02", Period{}, true},
		{"2026-03-01", Period{}, false},
	} {
		asOf, _ := time.Parse(time.DateOnly, tc.asOf)
		asOf = asOf.Add(7 * time.Hour) // the hour of the run does not matter
		if got := start.Before(Cutoff(asOf, tc.period)); got != tc.gone {
			t.Errorf("started %s, %v, on %s: gone %v, want %v", start, tc.period, tc.asOf, got, tc.gone)
		}
	}
}

// TestPolicyCheck: the bounds of an account's periods.
func TestPolicyCheck(t *testing.T) {
	for _, tc := range []struct {
		key             string
		active, archive Period
		action          Action
		field           string // the field at fault, "" when accepted
	}{
		{Prospects, Period{Years: 3}, Period{}, "", ""},
		{Prospects, Period{Years: 2}, Period{Years: 1}, "", ""},
		{Prospects, Period{Years: 2}, Period{Years: 1, Days: 1}, "", "archive"},
		{Prospects, Period{Months: 36}, Period{}, "", ""},
		{Prospects, Period{}, Period{}, "", "active"},
		{Prospects, Period{Days: -1}, Period{}, "", "active"},
		{Prospects, Period{Years: 1}, Period{}, Anonymise, "action"},
		{AccountingDocs, Period{Years: 3}, Period{Years: 7}, "", ""},
		{AccountingDocs, Period{Years: 10}, Period{}, "", ""},
		{AccountingDocs, Period{Years: 3}, Period{Years: 6, Months: 11}, "", "archive"},
		{ActivityLog, Period{Months: 13}, Period{}, "", "archive"},
		{ResetCodes, Period{Days: 1}, Period{}, "", "key"},
		{Clients, Period{Years: 200}, Period{}, "", "active"},
	} {
		def, _ := DefaultPolicy(tc.key)
		p := def
		p.Active, p.Archive = tc.active, tc.archive
		if tc.action != "" {
			p.Action = tc.action
		}
		err := p.Check(def)
		got := ""
		if fs := errs.FieldsOf(err); len(fs) > 0 {
			got = fs[0].Field
		}
		if got != tc.field {
			t.Errorf("%s %v+%v: field at fault %q, want %q (%v)", tc.key, tc.active, tc.archive, got, tc.field, err)
		}
	}
}

// TestAnonymousPlan: a run's log keeps references, never names.
func TestAnonymousPlan(t *testing.T) {
	p := Plan{Steps: []Step{{Policy: Prospects, Count: 1, Samples: []Sample{{Ref: "#1", Name: "Léa"}}}}}
	a := p.Anonymous()
	if a.Steps[0].Samples[0].Name != "" || a.Steps[0].Samples[0].Ref != "#1" || p.Steps[0].Samples[0].Name != "Léa" {
		t.Errorf("anonymous %+v, original %+v", a.Steps, p.Steps)
	}
}
