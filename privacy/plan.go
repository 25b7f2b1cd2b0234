package privacy

import (
	"strconv"
	"time"

	"github.com/comptoir/comptoir/errs"
)

// Archive moves a record to the intermediate archive: kept, seen only by
// those with the privacy right. It is a step of a plan, not an end of life.
const Archive Action = "archive"

// Sample is one record a retention step concerns: its reference (a
// contact's "#id", a document's number) and, for those with the privacy
// right, the name it is known by.
type Sample struct {
	Ref  string `json:"ref"`
	Name string `json:"name,omitempty"`
}

// Step is what retention does to one kind of record under one policy:
// how many records, and a few of them.
type Step struct {
	Policy  string   `json:"policy"`
	Action  Action   `json:"action"`
	Target  string   `json:"target"` // the records: "contacts", "documents", "sessions"…
	Count   int      `json:"count"`
	Samples []Sample `json:"samples,omitempty"`
}

// Plan is what a retention run does, or would do, on a day.
type Plan struct {
	AsOf  time.Time `json:"as_of"`
	Steps []Step    `json:"steps"`
}

// Total returns how many records the plan touches.
func (p Plan) Total() int {
	n := 0
	for _, s := range p.Steps {
		n += s.Count
	}
	return n
}

// Count returns how many records step (policy, action, target) touches.
func (p Plan) Count(policy string, a Action, target string) int {
	for _, s := range p.Steps {
		if s.Policy == policy && s.Action == a && s.Target == target {
			return s.Count
		}
	}
	return 0
}

// Anonymous returns the plan without the samples' names, as a run's log
// keeps it: a log that named the people a run deleted would keep them.
func (p Plan) Anonymous() Plan {
	out := Plan{AsOf: p.AsOf, Steps: make([]Step, len(p.Steps))}
	for i, s := range p.Steps {
		s.Samples = append([]Sample(nil), s.Samples...)
		for j := range s.Samples {
			s.Samples[j].Name = ""
		}
		out.Steps[i] = s
	}
	return out
}

// Cutoff returns the instant before which a record that started then has
// outlived period on day asOf: the period ends during or before that day
// (the day of the end is the first day the record goes). Days are UTC days.
func Cutoff(asOf time.Time, period Period) time.Time {
	y, m, d := asOf.UTC().Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	return period.Before(next)
}

// InstanceWide reports whether a policy applies to the instance's own
// tables (reset and verification codes, login failures, closed accounts)
// rather than to one account's data: its periods are the defaults, which
// an account cannot change.
func InstanceWide(key string) bool { return key == ResetCodes || key == ClosedAccounts }

// Check validates p, an account's version of the default policy def: the
// periods are not negative, the total is within def.Max, accounting
// documents are never kept less than HoldYears in all, and the action is
// the default's (what ends a record's life is the law's, not a setting).
func (p Policy) Check(def Policy) error {
	var f errs.Fields
	for _, v := range []struct {
		field string
		p     Period
	}{{"active", p.Active}, {"archive", p.Archive}} {
		if v.p.Years < 0 || v.p.Months < 0 || v.p.Days < 0 {
			f.Add(v.field, "retention_negative", "a period cannot be negative")
		}
		if v.p.Years > 100 || v.p.Months > 1200 || v.p.Days > 36500 {
			f.Add(v.field, "retention_over_max", "the period is too long")
		}
	}
	if !f.Has("active") && !f.Has("archive") {
		if longer(p.Total(), def.Max) {
			f.Add("archive", "retention_over_max", "active and archive periods together exceed the longest allowed ("+def.Max.String()+")")
		}
		if p.Key == AccountingDocs && longer(Period{Years: HoldYears}, p.Total()) {
			f.Add("archive", "retention_under_hold", "accounting documents are kept at least 10 years in all (Code de commerce L123-22)")
		}
		if p.Total().Zero() {
			f.Add("active", "retention_zero", "give a period: data are kept some time after the event the policy runs from")
		}
	}
	if p.Action != def.Action {
		f.Add("action", "retention_action", "the end-of-life action of this policy is "+string(def.Action))
	}
	if InstanceWide(p.Key) {
		f.Add("key", "retention_instance", "this policy applies to the whole instance and is not set per account")
	}
	return f.Err("privacy.Policy.Check")
}

// longer reports whether a ends later than b for every start date: a
// record kept a would outlive b on some day.
func longer(a, b Period) bool {
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 48; i++ {
		t := start.AddDate(0, i, 0)
		if a.After(t).After(b.After(t)) {
			return true
		}
	}
	return false
}

// String writes p as "2y 3m 10d" (years, months, days), "0d" when zero.
func (p Period) String() string {
	out := ""
	add := func(n int, unit string) {
		if n != 0 {
			if out != "" {
				out += " "
			}
			out += strconv.Itoa(n) + unit
		}
	}
	add(p.Years, "y")
	add(p.Months, "m")
	add(p.Days, "d")
	if out == "" {
		return "0d"
	}
	return out
}

// Run is one retention run of an account, dry or not, as logged: the
// steps' counts, and samples by reference only.
type Run struct {
	ID         int64      `json:"id"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	AsOf       string     `json:"as_of"`
	DryRun     bool       `json:"dry_run"`
	StartedBy  int64      `json:"started_by,omitempty"`
	Steps      []Step     `json:"steps"`
	Error      string     `json:"error,omitempty"`
}

// Total returns how many records the run touched (or would have).
func (r Run) Total() int { return Plan{Steps: r.Steps}.Total() }

// ArchivedContact is a contact in the intermediate archive.
type ArchivedContact struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Client     bool       `json:"client"`
	Supplier   bool       `json:"supplier"`
	EndedAt    *time.Time `json:"ended_at,omitempty"`
	ArchivedAt time.Time  `json:"archived_at"`
}
