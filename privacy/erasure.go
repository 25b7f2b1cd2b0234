package privacy

import (
	"github.com/comptoir/comptoir/sales"
	"strconv"
	"strings"
	"time"
)

// HeldKinds are the document kinds that are accounting records once
// issued: kept for HoldYears whatever the person asks (Code de commerce
// L123-22, Code général des impôts L102 B), with the documents they came
// from.
var HeldKinds = []string{sales.Invoice, sales.Deposit, sales.Credit, sales.Bill}

// Held reports whether an issued document of kind is under a legal hold.
func Held(kind string) bool {
	for _, k := range HeldKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Outcome is what an erasure did to a record.
type Outcome string

// The outcomes an erasure reports.
const (
	Deleted    Outcome = "deleted"    // the record is gone
	Anonymised Outcome = "anonymised" // the record stays without what identifies the person
	Redacted   Outcome = "redacted"   // the text about the person was removed from a log
	Kept       Outcome = "kept"       // kept under a legal hold, access restricted
)

// Line is one line of an erasure report: a record, or a count of records
// of one table, what was done and why.
type Line struct {
	Table   string  `json:"table"`
	Record  string  `json:"record,omitempty"` // a document's number, a record's id
	Count   int     `json:"count"`
	Outcome Outcome `json:"outcome"`
	Reason  string  `json:"reason"`
	Until   string  `json:"until,omitempty"` // the day a legal hold ends (YYYY-MM-DD)
}

// Report says what an erasure did, record by record, and why.
type Report struct {
	ContactID int64     `json:"contact_id"`
	At        time.Time `json:"at"`
	Lines     []Line    `json:"lines"`
}

// Add appends a line when it concerns at least one record.
func (r *Report) Add(l Line) {
	if l.Count > 0 {
		r.Lines = append(r.Lines, l)
	}
}

// Count returns how many records had outcome o.
func (r Report) Count(o Outcome) int {
	n := 0
	for _, l := range r.Lines {
		if l.Outcome == o {
			n += l.Count
		}
	}
	return n
}

// The reasons an erasure report gives.
const (
	ReasonErased      = "personal data erased at the person's request or at the end of its retention period"
	ReasonHold        = "accounting record: kept 10 years (Code de commerce L123-22), access restricted"
	ReasonChain       = "origin of an accounting record: kept with it, access restricted"
	ReasonLog         = "activity-log entry: the text about the person removed, the entry kept in its chain"
	ReasonMinimised   = "kept only as the party of documents under a legal hold, every other field emptied"
	ReasonPayment     = "payment: accounting record kept 10 years, access restricted"
	ReasonMailLog     = "e-mail delivery log: the address and subject removed"
	ReasonReplayCache = "cached API answer that named the person"
	ReasonSavedView   = "saved search that named the person"
)

// Identifiers returns the strings that name a person in free text (logs,
// cached answers, saved searches): the e-mail, phone, full name both ways,
// company and shop names, IBAN and SIRET. Values too short to be specific
// are left out, so that erasing "Li" does not blank every log line with
// "li" in it.
func Identifiers(values ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		v = strings.TrimSpace(v)
		if len([]rune(v)) < 4 || seen[strings.ToLower(v)] {
			continue
		}
		seen[strings.ToLower(v)] = true
		out = append(out, v)
	}
	return out
}

// PinnedEntry is a redacted activity entry as its erasure pins it: its
// place in the chain, its hash, and a digest of the columns redaction keeps
// (when, who, what record), so that none of them can change unseen.
type PinnedEntry struct {
	Seq  int64
	Hash string
	Meta string
}

func (p PinnedEntry) String() string {
	return strconv.FormatInt(p.Seq, 10) + ":" + p.Hash + ":" + p.Meta
}

// Pin lists the entries an erasure redacted. The erasure's own entry
// records the list, inside the chain, so that verification accepts those
// entries' stored hashes without the text they were computed from.
func Pin(entries []PinnedEntry) string {
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = e.String()
	}
	return strings.Join(parts, " ")
}

// Pinned reports whether list, written by Pin, names e.
func Pinned(list string, e PinnedEntry) bool {
	want := e.String()
	for _, p := range strings.Fields(list) {
		if p == want {
			return true
		}
	}
	return false
}

// RedactionField is the field of an erasure's activity entry that holds
// the Pin of the entries it redacted.
const RedactionField = "redacted_entries"
