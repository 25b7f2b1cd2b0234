package crm

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
)

// Customer-service case statuses, in their usual order.
var CaseStatuses = []string{"new", "open", "waiting", "solved", "closed"}

// CasePriorities, from least to most pressing.
var CasePriorities = []string{"low", "normal", "high", "urgent"}

// Case is a customer-service request from a client, worked from the
// client's record; its thread is made of conversation entries.
type Case struct {
	ID            int64      `json:"id"`
	ContactID     int64      `json:"contact_id"`
	Subject       string     `json:"subject"`
	Status        string     `json:"status"`
	Priority      string     `json:"priority"`
	AssigneeID    int64      `json:"assignee_id"`
	OpenedAt      time.Time  `json:"opened_at"`
	FirstAnswerAt *time.Time `json:"first_answer_at,omitempty"`
	SolvedAt      *time.Time `json:"solved_at,omitempty"`
	UpdatedAt     time.Time  `json:"updated_at"`
	ContactName   string     `json:"contact_name,omitempty"`
	AssigneeName  string     `json:"assignee_name,omitempty"` // the member's name, else their e-mail address
}

// CaseInput is what a user may set on a case.
type CaseInput struct {
	Subject    *string `json:"subject"`
	Status     *string `json:"status"`
	Priority   *string `json:"priority"`
	AssigneeID *int64  `json:"assignee_id"`
}

// Apply copies the set fields onto c.
func (in CaseInput) Apply(c *Case) {
	if in.Subject != nil {
		c.Subject = *in.Subject
	}
	if in.Status != nil {
		c.Status = *in.Status
	}
	if in.Priority != nil {
		c.Priority = *in.Priority
	}
	if in.AssigneeID != nil {
		c.AssigneeID = *in.AssigneeID
	}
}

// Validate checks a case.
func (c *Case) Validate() error {
	var f errs.Fields
	c.Subject = strings.TrimSpace(c.Subject)
	if c.Subject == "" {
		f.Add("subject", "required", "a case needs a subject")
	} else if utf8.RuneCountInString(c.Subject) > 200 {
		f.Add("subject", "too_long", "the subject has at most 200 characters")
	}
	if !slices.Contains(CaseStatuses, c.Status) {
		f.Add("status", "invalid_status", "status must be new, open, waiting, solved or closed")
	}
	if !slices.Contains(CasePriorities, c.Priority) {
		f.Add("priority", "invalid_priority", "priority must be low, normal, high or urgent")
	}
	return f.Err("crm.Case.Validate")
}

// Resolved reports whether the case is solved or closed.
func (c Case) Resolved() bool { return c.Status == "solved" || c.Status == "closed" }

// TimeToFirstAnswer is how long the client waited for a first answer.
func (c Case) TimeToFirstAnswer() time.Duration {
	if c.FirstAnswerAt == nil {
		return 0
	}
	return c.FirstAnswerAt.Sub(c.OpenedAt)
}

// TimeToResolution is how long the case took to be solved.
func (c Case) TimeToResolution() time.Duration {
	if c.SolvedAt == nil {
		return 0
	}
	return c.SolvedAt.Sub(c.OpenedAt)
}
