package crm

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
)

// Kinds of conversation entry (the registers' "suivi des échanges").
const (
	Note        = "note"
	Call        = "call"
	Email       = "email"
	Appointment = "appointment"
	Task        = "task"
	Document    = "document" // a document sent, added by the sales and purchase modules
)

// ConversationKinds a user can add by hand.
var ConversationKinds = []string{Note, Call, Email, Appointment, Task}

// Conversation is one entry of a contact's timeline.
type Conversation struct {
	ID          int64      `json:"id"`
	ContactID   int64      `json:"contact_id"`
	Kind        string     `json:"kind"`
	Subject     string     `json:"subject"`
	Body        string     `json:"body"`
	At          time.Time  `json:"at"`           // when it happened, or when an appointment starts
	DurationMin int        `json:"duration_min"` // appointments
	Place       string     `json:"place"`        // an address or a video-call link
	DueAt       *time.Time `json:"due_at,omitempty"`
	DoneAt      *time.Time `json:"done_at,omitempty"`
	RemindAt    *time.Time `json:"remind_at,omitempty"`   // tasks: when to e-mail the assignee
	RemindedAt  *time.Time `json:"reminded_at,omitempty"` // when the reminder went
	AssigneeID  int64      `json:"assignee_id"`
	AuthorID    int64      `json:"author_id"`
	CaseID      int64      `json:"case_id,omitempty"`     // the customer-service case it answers
	DocumentID  int64      `json:"document_id,omitempty"` // the sales document sent
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	// ContactName is filled in lists that span contacts (the agenda).
	ContactName string `json:"contact_name,omitempty"`
}

// ConversationInput is what a user may set on a conversation entry.
type ConversationInput struct {
	Kind        *string    `json:"kind"`
	Subject     *string    `json:"subject"`
	Body        *string    `json:"body"`
	At          *time.Time `json:"at"`
	DurationMin *int       `json:"duration_min"`
	Place       *string    `json:"place"`
	DueAt       *time.Time `json:"due_at"`
	Done        *bool      `json:"done"`
	AssigneeID  *int64     `json:"assignee_id"`
	RemindAt    *time.Time `json:"remind_at"`
}

// Apply copies the set fields onto c; Done is applied by the service,
// which dates it.
func (in ConversationInput) Apply(c *Conversation) {
	if in.Kind != nil {
		c.Kind = *in.Kind
	}
	if in.Subject != nil {
		c.Subject = *in.Subject
	}
	if in.Body != nil {
		c.Body = *in.Body
	}
	if in.At != nil {
		c.At = in.At.UTC()
	}
	if in.DurationMin != nil {
		c.DurationMin = *in.DurationMin
	}
	if in.Place != nil {
		c.Place = *in.Place
	}
	if in.DueAt != nil {
		d := in.DueAt.UTC()
		c.DueAt = &d
	}
	if in.AssigneeID != nil {
		c.AssigneeID = *in.AssigneeID
	}
	if in.RemindAt != nil && (c.RemindAt == nil || !c.RemindAt.Equal(*in.RemindAt)) {
		// A new reminder time is a new reminder, to be sent again.
		r := in.RemindAt.UTC()
		c.RemindAt, c.RemindedAt = &r, nil
	}
}

// Validate checks an entry.
func (c *Conversation) Validate() error {
	var f errs.Fields
	c.Subject, c.Body, c.Place = strings.TrimSpace(c.Subject), strings.TrimSpace(c.Body), strings.TrimSpace(c.Place)
	if !slices.Contains(ConversationKinds, c.Kind) && c.Kind != Document {
		f.Add("kind", "invalid_kind", "kind must be note, call, email, appointment or task")
	}
	if c.Subject == "" && c.Body == "" {
		f.Add("subject", "required", "say what it is about")
	}
	if utf8.RuneCountInString(c.Subject) > 200 {
		f.Add("subject", "too_long", "the subject has at most 200 characters")
	}
	if utf8.RuneCountInString(c.Body) > 20000 {
		f.Add("body", "too_long", "the text has at most 20,000 characters")
	}
	if utf8.RuneCountInString(c.Place) > 500 {
		f.Add("place", "too_long", "the place has at most 500 characters")
	}
	if c.RemindAt != nil && c.Kind != Task {
		f.Add("remind_at", "reminder_on_task", "only a task has a reminder")
	}
	if c.Kind == Appointment {
		if c.At.IsZero() {
			f.Add("at", "required", "an appointment needs a date and time")
		}
		if c.DurationMin < 5 || c.DurationMin > 24*60 {
			f.Add("duration_min", "out_of_range", "an appointment lasts 5 minutes to 24 hours")
		}
	}
	return f.Err("crm.Conversation.Validate")
}

// Open reports whether a task is still to do.
func (c Conversation) Open() bool { return c.Kind == Task && c.DoneAt == nil }

// End is when an appointment ends.
func (c Conversation) End() time.Time { return c.At.Add(time.Duration(c.DurationMin) * time.Minute) }
