package privacy

import (
	"testing"
	"time"

	"github.com/comptoir/comptoir/errs"
)

func TestDueDateByCalendarMonth(t *testing.T) {
	for _, c := range []struct{ received, due, extended string }{
		{"2026-03-02", "2026-04-02", "2026-06-02"},
		{"2026-01-31", "2026-02-28", "2026-04-30"},
		{"2028-01-31", "2028-02-29", "2028-04-30"},
		{"2026-03-31", "2026-04-30", "2026-06-30"},
		{"2026-12-15", "2027-01-15", "2027-03-15"},
		{"2026-11-30", "2026-12-30", "2027-02-28"},
	} {
		r := Request{Kind: AccessRequest, Name: "A. Person", Channel: "post", ReceivedOn: c.received}
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
		if r.DueOn != c.due {
			t.Errorf("received %s: due %s, want %s", c.received, r.DueOn, c.due)
		}
		if err := r.Extend("many records across modules", c.received); err != nil {
			t.Fatal(err)
		}
		if r.ExtendedDueOn != c.extended || r.Deadline() != c.extended {
			t.Errorf("received %s: extended to %s, want %s", c.received, r.ExtendedDueOn, c.extended)
		}
	}
}

func TestExtendOnceWithReasonBeforeDeadline(t *testing.T) {
	base := func() Request {
		r := Request{Kind: ErasureRequest, Name: "A", Channel: "email", Email: "a@example.net", ReceivedOn: "2026-03-02"}
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := base()
	if err := r.Extend("  ", "2026-03-10"); !errs.Is(err, errs.Invalid) || !errs.Fields(errs.FieldsOf(err)).Has("reason") {
		t.Errorf("no reason: %v", err)
	}
	if err := r.Extend("complex", "2026-04-03"); !errs.Is(err, errs.Invalid) {
		t.Errorf("after the deadline: %v", err)
	}
	if err := r.Extend("complex", "2026-04-02"); err != nil {
		t.Errorf("on the deadline day: %v", err)
	}
	if err := r.Extend("again", "2026-04-02"); !errs.Is(err, errs.Conflict) {
		t.Errorf("second extension: %v", err)
	}
	r = base()
	_ = r.Move(RequestAnswered, "done", time.Now())
	if err := r.Extend("late", "2026-03-05"); !errs.Is(err, errs.Conflict) {
		t.Errorf("extension of an answered request: %v", err)
	}
}

func TestRequestValidation(t *testing.T) {
	for _, c := range []struct {
		name   string
		r      Request
		fields []string
	}{
		{"valid", Request{Kind: AccessRequest, Name: "Zoé", Email: "Zoe@Example.net", ReceivedOn: "2026-01-01"}, nil},
		{"unknown kind", Request{Kind: "forget", Name: "Zoé", Channel: "post", ReceivedOn: "2026-01-01"}, []string{"kind"}},
		{"no name", Request{Kind: AccessRequest, Channel: "post", ReceivedOn: "2026-01-01"}, []string{"requester_name"}},
		{"bad e-mail", Request{Kind: AccessRequest, Name: "Z", Email: "zoe@", ReceivedOn: "2026-01-01"}, []string{"requester_email"}},
		{"e-mail channel without address", Request{Kind: AccessRequest, Name: "Z", Channel: "email", ReceivedOn: "2026-01-01"}, []string{"requester_email"}},
		{"bad channel and date", Request{Kind: AccessRequest, Name: "Z", Channel: "fax", ReceivedOn: "01/02/2026"}, []string{"channel", "received_on"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.r.Validate()
			got := errs.Fields(errs.FieldsOf(err))
			if len(c.fields) == 0 && err != nil {
				t.Fatalf("unexpected %v", err)
			}
			for _, f := range c.fields {
				if !got.Has(f) {
					t.Errorf("want an error on %s, got %+v", f, got)
				}
			}
			if err == nil && c.r.Email != "zoe@example.net" {
				t.Errorf("e-mail not normalised: %q", c.r.Email)
			}
		})
	}
}

func TestRequestTransitions(t *testing.T) {
	now := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	r := Request{Status: RequestOpen}
	if r.CanAct() == "" {
		t.Error("an unverified request can be acted on")
	}
	r.VerifiedAt = &now
	if r.CanAct() != "" {
		t.Errorf("verified open request: %s", r.CanAct())
	}
	if err := r.Move(RequestAnswered, "", now); !errs.Is(err, errs.Invalid) {
		t.Errorf("answer without text: %v", err)
	}
	if err := r.Move("lost", "x", now); !errs.Is(err, errs.Invalid) {
		t.Errorf("unknown status: %v", err)
	}
	if err := r.Move(RequestRefused, "manifestly unfounded", now); err != nil || r.AnsweredAt == nil {
		t.Fatalf("refuse: %v", err)
	}
	if r.CanAct() == "" {
		t.Error("a refused request can be acted on")
	}
	if err := r.Move(RequestAnswered, "x", now); !errs.Is(err, errs.Conflict) {
		t.Errorf("refused → answered: %v", err)
	}
	if err := r.Move(RequestClosed, "", now); err != nil || r.ClosedAt == nil {
		t.Errorf("close: %v", err)
	}
	if err := r.Move(RequestOpen, "", now); !errs.Is(err, errs.Conflict) {
		t.Errorf("reopen: %v", err)
	}
	if got := (Request{DueOn: "2026-04-02"}).DaysLeft("2026-04-05"); got != -3 {
		t.Errorf("days left %d, want -3", got)
	}
}
