package web

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
)

// closureSamplePages are the account closure's and the breach register's
// pages with sample data, for TestEveryPageRendersInBothLanguages.
func closureSamplePages(p Page, at time.Time) map[string]any {
	notified := at.Add(80 * time.Hour)
	found := at.Add(-100 * time.Hour)
	overdue := breachRow{Breach: privacy.Breach{ID: 1, DiscoveredAt: found, Nature: "<b>Vol</b>", Risk: privacy.RiskHigh, Status: privacy.BreachOpen,
		Categories: []privacy.Category{privacy.Bank}, Subjects: []privacy.Subject{privacy.Person}, PeopleCount: 40}, now: at}
	late := breachRow{Breach: privacy.Breach{ID: 2, DiscoveredAt: at, Nature: "x", Risk: privacy.RiskPresent, Status: privacy.BreachClosed,
		AuthorityNotifiedAt: &notified, LateReason: "y"}, now: at}
	running := breachRow{Breach: privacy.Breach{ID: 3, DiscoveredAt: at.Add(-time.Hour), Nature: "z", Risk: privacy.RiskPresent, Status: privacy.BreachOpen}, now: at}
	unlikely := breachRow{Breach: privacy.Breach{ID: 4, DiscoveredAt: at, Nature: "w", Risk: privacy.RiskUnlikely, Status: privacy.BreachOpen}, now: at}
	closes := at.AddDate(0, 0, 30)
	return map[string]any{
		"privacy_account":  &closurePage{Page: owner(p), Closure: service.Closure{Closing: true, ClosesAt: &closes, Owner: true, GraceDays: 30}},
		"privacy_breaches": &breachesPage{Page: owner(p), Items: []breachRow{overdue, late, running, unlikely}, Next: 4},
		"privacy_breach": &breachPage{Page: owner(p), Form: overdue, Categories: privacy.Categories, Subjects: privacy.Subjects, Risks: privacy.Risks,
			Statuses: privacy.BreachStatuses, CanEdit: true, History: []activity.Entry{{At: at, Action: "update", RecordType: "breach", Changes: []activity.Change{{Field: "nature", Before: "a", After: "b"}}}},
			Errors: fieldErrors(errs.Fields{{Field: "late_reason", Code: "required_when_late"}, {Field: "categories", Code: "unknown_category"}, {Field: "risk", Code: "unknown_risk"}}.Err("t"))},
	}
}

// TestClosurePagesRender renders each state of the closure page and of the
// breach register in both languages: no message id left, the clock says
// overdue, late or time left, and user text is escaped.
func TestClosurePagesRender(t *testing.T) {
	s := newTestServer(t)
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	acc := account.New("Atelier")
	v := &viewer{User: identity.User{Email: "a@example.fr"}, Membership: identity.Membership{AccountName: acc.Name}, Account: acc}
	expires := at.Add(15 * time.Minute)
	for _, lang := range []string{"fr", "en"} {
		p := Page{translator: s.translator(lang), Viewer: v, Account: &acc, Path: "/privacy/account", Version: "test", assets: s.assets, loc: acc.Location()}
		pages := closureSamplePages(p, at)
		cases := []struct {
			name string
			data any
			want []string
			not  []string
		}{
			{"privacy_account", pages["privacy_account"], []string{`id="closing"`, `id="reopen"`, `id="export"`, "25/12/2026", "Dec 2026"}, []string{`id="close"`}},
			{"privacy_account", &closurePage{Page: owner(p), Closure: service.Closure{Owner: true, GraceDays: 30, CodeExpiresAt: &expires}},
				[]string{`id="confirm-close"`, `id="close"`, `id="export"`}, []string{`id="closing"`}},
			{"privacy_account", &closurePage{Page: p, Closure: service.Closure{GraceDays: 30}}, []string{`id="close-title"`, `id="export-title"`}, []string{`id="close"`, `id="export"`}},
			{"privacy_breaches", pages["privacy_breaches"], []string{`data-overdue="true"`, "&lt;b&gt;Vol&lt;/b&gt;", "28 h", "71 h", "after=4"}, []string{"<b>Vol</b>"}},
			{"privacy_breach", pages["privacy_breach"], []string{`id="clock"`, `data-overdue="true"`, `value="bank" id="cat-bank" checked`, "is-invalid"}, nil},
		}
		for _, c := range cases {
			var buf bytes.Buffer
			if err := s.pages[c.name].Execute(&buf, c.data); err != nil {
				t.Fatalf("%s/%s: %v", lang, c.name, err)
			}
			out := buf.String()
			if m := leftID.FindString(out); m != "" {
				t.Errorf("%s/%s: untranslated %q", lang, c.name, m)
			}
			found := false
			for _, w := range c.want {
				if strings.Contains(out, w) {
					found = true
				} else if !strings.Contains(w, "2026") {
					t.Errorf("%s/%s: no %q", lang, c.name, w)
				}
			}
			if !found {
				t.Errorf("%s/%s: nothing expected", lang, c.name)
			}
			for _, n := range c.not {
				if strings.Contains(out, n) {
					t.Errorf("%s/%s: has %q", lang, c.name, n)
				}
			}
		}
	}
}

var leftID = regexp.MustCompile(`(?:^|[^.\w-])(closure|breach|error)\.[a-z_]+(\.[a-z_]+)*\b`)

// TestBreachFieldCodesAreTranslated: every error code the breach register
// and the closure can return for a field has a message in both languages.
func TestBreachFieldCodesAreTranslated(t *testing.T) {
	s := newTestServer(t)
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	before := now.Add(-time.Hour)
	bad := []privacy.Breach{
		{Nature: "", Categories: []privacy.Category{"x"}, Subjects: []privacy.Subject{"x"}, PeopleCount: -1, Risk: "x", Status: "x"},
		{DiscoveredAt: now.Add(time.Hour), Nature: "a\x00", Categories: []privacy.Category{privacy.Bank, privacy.Bank},
			Subjects: []privacy.Subject{privacy.Person, privacy.Person}, Risk: privacy.RiskHigh, Status: privacy.BreachClosed},
		{DiscoveredAt: now, Nature: "x", Risk: privacy.RiskPresent, Status: privacy.BreachOpen, AuthorityNotifiedAt: &before},
		{DiscoveredAt: now.Add(-100 * time.Hour), Nature: "x", Risk: privacy.RiskPresent, Status: privacy.BreachOpen, AuthorityNotifiedAt: &now},
		{DiscoveredAt: now.Add(-100 * time.Hour), Nature: strings.Repeat("x", 10001), Risk: privacy.RiskHigh, Status: privacy.BreachClosed},
	}
	codes := []string{"bad_closure_code", "invalid_datetime", "not_a_count"}
	for _, b := range bad {
		for _, f := range errs.FieldsOf(b.Validate(now)) {
			codes = append(codes, f.Code)
		}
	}
	if len(codes) < 15 {
		t.Fatalf("only %d codes: the samples no longer fail as they should", len(codes))
	}
	for _, lang := range []string{"fr", "en"} {
		tr := s.translator(lang)
		for _, c := range codes {
			if got := tr.T("error." + c); got == "error."+c {
				t.Errorf("%s: no message for field code %q", lang, c)
			}
		}
	}
}
