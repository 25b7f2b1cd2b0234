package privacy

import (
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/comptoir/comptoir/errs"
)

// RequestKind is the right a data subject exercises (GDPR Articles 15 to 21).
type RequestKind string

// The kinds of request.
const (
	AccessRequest        RequestKind = "access"        // Art. 15: a copy of what is held
	RectificationRequest RequestKind = "rectification" // Art. 16
	ErasureRequest       RequestKind = "erasure"       // Art. 17
	RestrictionRequest   RequestKind = "restriction"   // Art. 18
	PortabilityRequest   RequestKind = "portability"   // Art. 20: the data in a machine-readable form
	ObjectionRequest     RequestKind = "objection"     // Art. 21: here, to marketing
)

// RequestKinds lists the kinds in the order forms show them.
var RequestKinds = []RequestKind{AccessRequest, RectificationRequest, ErasureRequest, RestrictionRequest, ObjectionRequest, PortabilityRequest}

// RequestStatus is where a request stands.
type RequestStatus string

// The statuses. A request is open until it is answered or refused, then
// closed when nothing more is to be done.
const (
	RequestOpen     RequestStatus = "open"
	RequestAnswered RequestStatus = "answered"
	RequestRefused  RequestStatus = "refused"
	RequestClosed   RequestStatus = "closed"
)

// RequestStatuses lists the statuses.
var RequestStatuses = []RequestStatus{RequestOpen, RequestAnswered, RequestRefused, RequestClosed}

// Channels a request arrives by.
var Channels = []string{"email", "post", "in_person", "phone", "web"}

// RightsRequestsPolicy is the key of the retention policy of requests: the
// proof of handling is kept for the prescription period after closing.
const RightsRequestsPolicy = "rights_requests"

// Identity verification methods.
const (
	VerifiedByCode  = "email_code" // the code e-mailed to the requester was entered
	VerifiedByOther = "other"      // checked by other means (an identity document shown in person), with a note
)

// The identity code's rules: 8 digits, valid 30 minutes, 5 wrong tries,
// a minute between two codes and 5 codes per request at most.
const (
	CodeDigits      = 8
	CodeLifetime    = 30 * time.Minute
	CodeMaxAttempts = 5
	CodeResendAfter = time.Minute
	CodeMaxSends    = 5
)

// Request is a data subject's request and how it was handled.
type Request struct {
	ID              int64         `json:"id"`
	Kind            RequestKind   `json:"kind"`
	Status          RequestStatus `json:"status"`
	Name            string        `json:"requester_name"`
	Email           string        `json:"requester_email"`
	Phone           string        `json:"requester_phone"`
	Channel         string        `json:"channel"`
	Details         string        `json:"details"`           // what the person asked, as received
	ReceivedOn      string        `json:"received_on"`       // YYYY-MM-DD, in the account's zone
	DueOn           string        `json:"due_on"`            // one month later
	ExtendedDueOn   string        `json:"extended_due_on"`   // two more months, when extended
	ExtensionReason string        `json:"extension_reason"`  // why, told to the person
	ContactIDs      []int64       `json:"contact_ids"`       // the records found to be theirs
	CodeHash        string        `json:"-"`                 // sha-256 of the request and the code
	CodeExpiresAt   *time.Time    `json:"-"`                 //
	CodeAttempts    int           `json:"-"`                 //
	CodeSentAt      *time.Time    `json:"code_sent_at"`      // the last code sent
	CodesSent       int           `json:"codes_sent"`        //
	VerifiedAt      *time.Time    `json:"verified_at"`       // identity checked
	VerifiedBy      string        `json:"verified_by"`       // VerifiedByCode or VerifiedByOther
	VerifyNote      string        `json:"verification_note"` // how, when by other means
	Notes           string        `json:"notes"`             // what was done, line by line
	Answer          string        `json:"answer"`            // the answer given, or why it was refused
	AnsweredAt      *time.Time    `json:"answered_at"`
	ClosedAt        *time.Time    `json:"closed_at"`
	Report          *Report       `json:"report,omitempty"` // the erasure's report
	CreatedBy       int64         `json:"created_by"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// RequestFilter selects requests for a list.
type RequestFilter struct {
	Open     bool  // only the open ones, soonest deadline first
	BeforeID int64 // keyset: requests older than this one
	Limit    int
}

// RequestInput is a new request, or the changes to one (nil: unchanged).
type RequestInput struct {
	Kind       *RequestKind `json:"kind"`
	Name       *string      `json:"requester_name"`
	Email      *string      `json:"requester_email"`
	Phone      *string      `json:"requester_phone"`
	Channel    *string      `json:"channel"`
	Details    *string      `json:"details"`
	ReceivedOn *string      `json:"received_on"`
}

// Apply copies the set fields of in to r.
func (in RequestInput) Apply(r *Request) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	if in.Kind != nil {
		r.Kind = *in.Kind
	}
	set(&r.Name, in.Name)
	set(&r.Email, in.Email)
	set(&r.Phone, in.Phone)
	set(&r.Channel, in.Channel)
	set(&r.Details, in.Details)
	set(&r.ReceivedOn, in.ReceivedOn)
}

// Validate normalises r and reports every problem, field by field. It sets
// the due date from the day of receipt.
func (r *Request) Validate() error {
	var f errs.Fields
	if !slices.Contains(RequestKinds, r.Kind) {
		f.Add("kind", "invalid_kind", "unknown kind of request")
	}
	if r.Name == "" {
		f.Add("requester_name", "required", "who made the request?")
	}
	if len(r.Name) > 200 {
		f.Add("requester_name", "too_long", "200 characters at most")
	}
	r.Email = strings.ToLower(r.Email)
	if r.Email != "" {
		if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email {
			f.Add("requester_email", "invalid_email", "this e-mail address is not valid")
		}
	}
	if r.Email == "" && r.Channel == "email" {
		f.Add("requester_email", "required", "a request by e-mail has the requester's address")
	}
	if len(r.Phone) > 40 {
		f.Add("requester_phone", "too_long", "40 characters at most")
	}
	if r.Channel == "" {
		r.Channel = "email"
	}
	if !slices.Contains(Channels, r.Channel) {
		f.Add("channel", "invalid_kind", "unknown channel")
	}
	if len(r.Details) > 10000 {
		f.Add("details", "too_long", "10,000 characters at most")
	}
	if r.Status == "" {
		r.Status = RequestOpen
	}
	if received, err := time.Parse(time.DateOnly, r.ReceivedOn); err != nil {
		f.Add("received_on", "invalid_date", "date expected as YYYY-MM-DD")
	} else {
		r.DueOn = DueDate(received).Format(time.DateOnly)
	}
	return f.Err("privacy.Request.Validate")
}

// AddMonths moves day by n calendar months and, when the target month is
// shorter, stops at its last day: 31 January plus one month is 28 (or 29)
// February, never 3 March.
func AddMonths(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, day.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, day.Location())
}

// DueDate is the day an answer is due: one month after receipt (GDPR
// Article 12(3)).
func DueDate(received time.Time) time.Time { return AddMonths(received, 1) }

// ExtensionMonths is how much longer a complex or numerous request may
// take, once, with the reason told to the person within the first month.
const ExtensionMonths = 2

// Deadline is the day the answer is due, extension included.
func (r Request) Deadline() string {
	if r.ExtendedDueOn != "" {
		return r.ExtendedDueOn
	}
	return r.DueOn
}

// DaysLeft is how many days remain until the deadline on day today
// (YYYY-MM-DD); negative when overdue.
func (r Request) DaysLeft(today string) int {
	d, err1 := time.Parse(time.DateOnly, r.Deadline())
	t, err2 := time.Parse(time.DateOnly, today)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(d.Sub(t).Hours() / 24)
}

// Extend pushes the deadline two months further, once, for a reason, and
// only before the first deadline has passed (today is YYYY-MM-DD).
func (r *Request) Extend(reason, today string) error {
	const op = "privacy.Request.Extend"
	var f errs.Fields
	reason = strings.TrimSpace(reason)
	switch {
	case r.Status != RequestOpen:
		return errs.E(op, errs.Conflict, "only an open request can be extended")
	case r.ExtendedDueOn != "":
		return errs.E(op, errs.Conflict, "the deadline was already extended once")
	case reason == "":
		f.Add("reason", "required", "say why the request needs more time; the person is told")
		return f.Err(op)
	case today > r.DueOn:
		f.Add("reason", "too_late", "the first deadline has passed: an extension must be told within the first month")
		return f.Err(op)
	}
	due, err := time.Parse(time.DateOnly, r.DueOn)
	if err != nil {
		return errs.Wrap(op, err)
	}
	received, err := time.Parse(time.DateOnly, r.ReceivedOn)
	if err != nil {
		return errs.Wrap(op, err)
	}
	// From receipt, so that 31 January gives 30 April, not 28 April.
	ext := AddMonths(received, 1+ExtensionMonths)
	if ext.Before(due) {
		ext = due
	}
	r.ExtendedDueOn, r.ExtensionReason = ext.Format(time.DateOnly), reason
	return nil
}

// transitions lists where each status may go.
var transitions = map[RequestStatus][]RequestStatus{
	RequestOpen:     {RequestAnswered, RequestRefused, RequestClosed},
	RequestAnswered: {RequestClosed},
	RequestRefused:  {RequestClosed},
}

// CanMove reports whether a request may go from status from to to.
func CanMove(from, to RequestStatus) bool { return slices.Contains(transitions[from], to) }

// Move changes the status, with the answer (required to answer or refuse:
// a refusal gives its reason and the right to complain to the CNIL).
func (r *Request) Move(to RequestStatus, answer string, now time.Time) error {
	const op = "privacy.Request.Move"
	if !slices.Contains(RequestStatuses, to) {
		var f errs.Fields
		f.Add("status", "invalid_status", "unknown status")
		return f.Err(op)
	}
	if !CanMove(r.Status, to) {
		return errs.E(op, errs.Conflict, "a request that is "+string(r.Status)+" cannot become "+string(to))
	}
	answer = strings.TrimSpace(answer)
	if (to == RequestAnswered || to == RequestRefused) && answer == "" {
		var f errs.Fields
		f.Add("answer", "required", "write the answer given to the person (for a refusal, its reason)")
		return f.Err(op)
	}
	if answer != "" {
		r.Answer = answer
	}
	switch to {
	case RequestAnswered, RequestRefused:
		r.AnsweredAt = &now
	case RequestClosed:
		r.ClosedAt = &now
	}
	r.Status = to
	return nil
}

// Verified reports whether the requester's identity was checked.
func (r Request) Verified() bool { return r.VerifiedAt != nil }

// CanAct reports why r cannot be acted on (an export, an erasure), or ""
// when it can: it must be open and its requester's identity checked.
func (r Request) CanAct() string {
	switch {
	case r.Status != RequestOpen:
		return "the request is " + string(r.Status)
	case !r.Verified():
		return "the requester's identity is not checked yet: send the code, or record how it was checked"
	}
	return ""
}

// Note appends a dated line to what was done.
func (r *Request) Note(now time.Time, line string) {
	l := now.UTC().Format(time.DateOnly) + " " + line
	if r.Notes == "" {
		r.Notes = l
	} else {
		r.Notes += "\n" + l
	}
}
