package privacy

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
)

// NotifyWithin is how long after a breach is discovered the supervisory
// authority (the CNIL) must be notified (GDPR Article 33(1)).
const NotifyWithin = 72 * time.Hour

// Risk is how likely a breach is to harm the people it concerns; it decides
// who must be told (Articles 33 and 34).
type Risk string

// The levels of risk.
const (
	// RiskUnlikely: documented in the register only (Article 33(1), "unless
	// unlikely to result in a risk").
	RiskUnlikely Risk = "unlikely"
	// RiskPresent: the CNIL is notified within 72 hours.
	RiskPresent Risk = "risk"
	// RiskHigh: the CNIL and the people concerned are notified (Article 34).
	RiskHigh Risk = "high"
)

// Risks lists the levels in the order forms show them.
var Risks = []Risk{RiskUnlikely, RiskPresent, RiskHigh}

// Breach statuses.
const (
	BreachOpen   = "open"   // being handled
	BreachClosed = "closed" // handled: measures taken, notifications done or reasoned
)

// BreachStatuses lists the statuses.
var BreachStatuses = []string{BreachOpen, BreachClosed}

// Breach is one entry of the register of personal-data breaches (Article
// 33(5)): the facts, their effects and the remedial action taken. An entry
// is corrected, never deleted.
type Breach struct {
	ID                  int64      `json:"id"`
	DiscoveredAt        time.Time  `json:"discovered_at"`
	ReportedBy          string     `json:"reported_by"`
	Nature              string     `json:"nature"`
	Categories          []Category `json:"categories"`
	Subjects            []Subject  `json:"subjects"`
	PeopleCount         int64      `json:"people_count"`
	RecordsCount        int64      `json:"records_count"`
	Consequences        string     `json:"consequences"`
	Measures            string     `json:"measures"`
	Risk                Risk       `json:"risk"`
	AuthorityNotifiedAt *time.Time `json:"authority_notified_at"`
	AuthorityReference  string     `json:"authority_reference"`
	LateReason          string     `json:"late_reason"`
	PeopleNotifiedAt    *time.Time `json:"people_notified_at"`
	NoNoticeReason      string     `json:"no_notice_reason"`
	Status              string     `json:"status"`
	CreatedBy           int64      `json:"created_by"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

// Deadline is when the CNIL must have been notified: 72 hours after the
// breach was discovered.
func (b Breach) Deadline() time.Time { return b.DiscoveredAt.Add(NotifyWithin) }

// MustNotify reports whether the breach is to be notified to the CNIL.
func (b Breach) MustNotify() bool { return b.Risk != RiskUnlikely }

// Overdue reports whether, at now, the CNIL should have been notified and
// has not been.
func (b Breach) Overdue(now time.Time) bool {
	return b.MustNotify() && b.AuthorityNotifiedAt == nil && !now.Before(b.Deadline())
}

// Pending reports whether the 72-hour clock still runs: the CNIL is to be
// notified and has not been yet.
func (b Breach) Pending() bool { return b.MustNotify() && b.AuthorityNotifiedAt == nil }

// TimeLeft is how long remains before the deadline at now; negative once it
// has passed (how late).
func (b Breach) TimeLeft(now time.Time) time.Duration { return b.Deadline().Sub(now) }

// NotifiedLate reports whether the CNIL was notified after the deadline, in
// which case the reasons for the delay go with the notification.
func (b Breach) NotifiedLate() bool {
	return b.AuthorityNotifiedAt != nil && b.AuthorityNotifiedAt.After(b.Deadline())
}

// BreachInput is what a form or a JSON body sets on a breach; a nil field
// is left as it was.
type BreachInput struct {
	DiscoveredAt        *time.Time  `json:"discovered_at"`
	ReportedBy          *string     `json:"reported_by"`
	Nature              *string     `json:"nature"`
	Categories          *[]Category `json:"categories"`
	Subjects            *[]Subject  `json:"subjects"`
	PeopleCount         *int64      `json:"people_count"`
	RecordsCount        *int64      `json:"records_count"`
	Consequences        *string     `json:"consequences"`
	Measures            *string     `json:"measures"`
	Risk                *Risk       `json:"risk"`
	AuthorityNotifiedAt **time.Time `json:"authority_notified_at"`
	AuthorityReference  *string     `json:"authority_reference"`
	LateReason          *string     `json:"late_reason"`
	PeopleNotifiedAt    **time.Time `json:"people_notified_at"`
	NoNoticeReason      *string     `json:"no_notice_reason"`
	Status              *string     `json:"status"`
}

// Apply copies the set fields of in onto b, trimmed.
func (in BreachInput) Apply(b *Breach) {
	str := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	if in.DiscoveredAt != nil {
		b.DiscoveredAt = in.DiscoveredAt.UTC().Truncate(time.Microsecond)
	}
	str(&b.ReportedBy, in.ReportedBy)
	str(&b.Nature, in.Nature)
	if in.Categories != nil {
		b.Categories = slices.Clone(*in.Categories)
	}
	if in.Subjects != nil {
		b.Subjects = slices.Clone(*in.Subjects)
	}
	if in.PeopleCount != nil {
		b.PeopleCount = *in.PeopleCount
	}
	if in.RecordsCount != nil {
		b.RecordsCount = *in.RecordsCount
	}
	str(&b.Consequences, in.Consequences)
	str(&b.Measures, in.Measures)
	if in.Risk != nil {
		b.Risk = *in.Risk
	}
	if in.AuthorityNotifiedAt != nil {
		b.AuthorityNotifiedAt = utcPtr(*in.AuthorityNotifiedAt)
	}
	str(&b.AuthorityReference, in.AuthorityReference)
	str(&b.LateReason, in.LateReason)
	if in.PeopleNotifiedAt != nil {
		b.PeopleNotifiedAt = utcPtr(*in.PeopleNotifiedAt)
	}
	str(&b.NoNoticeReason, in.NoNoticeReason)
	if in.Status != nil {
		b.Status = strings.TrimSpace(*in.Status)
	}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// Subjects people a breach may concern, in the order forms show them.
var Subjects = []Subject{Person, Member, Business, Operator}

// Text limits of a breach's fields.
const (
	breachShortMax = 200
	breachTextMax  = 10000
)

// Validate checks a breach as of now: what the register must say (Article
// 33(5)) and that its dates make sense.
func (b Breach) Validate(now time.Time) error {
	var fe errs.Fields
	if b.DiscoveredAt.IsZero() {
		fe.Add("discovered_at", "required", "when the breach was discovered is required")
	} else if b.DiscoveredAt.After(now.Add(time.Minute)) {
		fe.Add("discovered_at", "in_future", "the breach cannot be discovered in the future")
	}
	if b.Nature == "" {
		fe.Add("nature", "required", "describe what happened")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"reported_by", b.ReportedBy, breachShortMax}, {"nature", b.Nature, breachTextMax},
		{"consequences", b.Consequences, breachTextMax}, {"measures", b.Measures, breachTextMax},
		{"authority_reference", b.AuthorityReference, breachShortMax}, {"late_reason", b.LateReason, breachTextMax},
		{"no_notice_reason", b.NoNoticeReason, breachTextMax},
	} {
		if !utf8.ValidString(f.v) || strings.ContainsFunc(f.v, badControl) {
			fe.Add(f.name, "invalid_text", f.name+" is not valid text")
		} else if utf8.RuneCountInString(f.v) > f.max {
			fe.Add(f.name, "too_long", f.name+" is too long")
		}
	}
	for _, c := range b.Categories {
		if !slices.Contains(Categories, c) {
			fe.Add("categories", "unknown_category", "unknown data category "+strings.ToValidUTF8(string(c), "?"))
			break
		}
	}
	if hasDuplicates(b.Categories) {
		fe.Add("categories", "duplicate", "a data category is listed twice")
	}
	for _, s := range b.Subjects {
		if !slices.Contains(Subjects, s) {
			fe.Add("subjects", "unknown_subject", "unknown category of people "+strings.ToValidUTF8(string(s), "?"))
			break
		}
	}
	if hasDuplicates(b.Subjects) {
		fe.Add("subjects", "duplicate", "a category of people is listed twice")
	}
	if b.PeopleCount < 0 {
		fe.Add("people_count", "negative_count", "the number of people cannot be negative")
	}
	if b.RecordsCount < 0 {
		fe.Add("records_count", "negative_count", "the number of records cannot be negative")
	}
	if !slices.Contains(Risks, b.Risk) {
		fe.Add("risk", "unknown_risk", "risk must be unlikely, risk or high")
	}
	if !slices.Contains(BreachStatuses, b.Status) {
		fe.Add("status", "unknown_status", "status must be open or closed")
	}
	for _, f := range []struct {
		name string
		at   *time.Time
	}{{"authority_notified_at", b.AuthorityNotifiedAt}, {"people_notified_at", b.PeopleNotifiedAt}} {
		if f.at == nil || b.DiscoveredAt.IsZero() {
			continue
		}
		if f.at.Before(b.DiscoveredAt) {
			fe.Add(f.name, "before_discovery", "a notification cannot come before the breach was discovered")
		} else if f.at.After(now.Add(time.Minute)) {
			fe.Add(f.name, "in_future", "a notification cannot be in the future")
		}
	}
	if b.NotifiedLate() && b.LateReason == "" && !fe.Has("authority_notified_at") {
		fe.Add("late_reason", "required_when_late", "the CNIL was notified after 72 hours: give the reasons for the delay (Article 33(1))")
	}
	if b.Status == BreachClosed {
		if b.Pending() {
			fe.Add("authority_notified_at", "required_to_close", "notify the CNIL before closing, or record the risk as unlikely")
		}
		if b.Risk == RiskHigh && b.PeopleNotifiedAt == nil && b.NoNoticeReason == "" {
			fe.Add("people_notified_at", "required_to_close", "a high risk requires telling the people concerned, or the reason not to (Article 34(3))")
		}
		if b.Measures == "" {
			fe.Add("measures", "required_to_close", "say what was done about the breach before closing it")
		}
	}
	return fe.Err("privacy.Breach.Validate")
}

// badControl reports a control character other than a line break or a tab:
// nothing a person types, and PostgreSQL refuses NUL in text.
func badControl(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }

func hasDuplicates[T comparable](list []T) bool {
	seen := make(map[T]bool, len(list))
	for _, v := range list {
		if seen[v] {
			return true
		}
		seen[v] = true
	}
	return false
}
