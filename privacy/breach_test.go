package privacy_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
)

var discovered = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func validBreach() privacy.Breach {
	return privacy.Breach{DiscoveredAt: discovered, Nature: "Ordinateur portable volé", Risk: privacy.RiskPresent,
		Status: privacy.BreachOpen, Categories: []privacy.Category{privacy.Identity}, Subjects: []privacy.Subject{privacy.Person}}
}

func tp(t time.Time) *time.Time { return &t }

func TestBreachValidate(t *testing.T) {
	now := discovered.Add(100 * time.Hour)
	for _, tc := range []struct {
		name  string
		edit  func(*privacy.Breach)
		field string
		code  string
	}{
		{"valid", func(*privacy.Breach) {}, "", ""},
		{"no date", func(b *privacy.Breach) { b.DiscoveredAt = time.Time{} }, "discovered_at", "required"},
		{"future", func(b *privacy.Breach) { b.DiscoveredAt = now.Add(time.Hour) }, "discovered_at", "in_future"},
		{"control character", func(b *privacy.Breach) { b.Measures = "a\x00b" }, "measures", "invalid_text"},
		{"no facts", func(b *privacy.Breach) { b.Nature = "" }, "nature", "required"},
		{"unknown category", func(b *privacy.Breach) { b.Categories = []privacy.Category{"shoe_size"} }, "categories", "unknown_category"},
		{"category twice", func(b *privacy.Breach) { b.Categories = []privacy.Category{privacy.Bank, privacy.Bank} }, "categories", "duplicate"},
		{"unknown people", func(b *privacy.Breach) { b.Subjects = []privacy.Subject{"aliens"} }, "subjects", "unknown_subject"},
		{"negative count", func(b *privacy.Breach) { b.PeopleCount = -1 }, "people_count", "negative_count"},
		{"unknown risk", func(b *privacy.Breach) { b.Risk = "some" }, "risk", "unknown_risk"},
		{"unknown status", func(b *privacy.Breach) { b.Status = "gone" }, "status", "unknown_status"},
		{"notified before discovery", func(b *privacy.Breach) { b.AuthorityNotifiedAt = tp(discovered.Add(-time.Hour)) }, "authority_notified_at", "before_discovery"},
		{"late without reason", func(b *privacy.Breach) { b.AuthorityNotifiedAt = tp(discovered.Add(73 * time.Hour)) }, "late_reason", "required_when_late"},
		{"late with reason", func(b *privacy.Breach) {
			b.AuthorityNotifiedAt, b.LateReason = tp(discovered.Add(73*time.Hour)), "investigation"
		}, "", ""},
		{"in time", func(b *privacy.Breach) { b.AuthorityNotifiedAt = tp(discovered.Add(72 * time.Hour)) }, "", ""},
		{"closed without notifying", func(b *privacy.Breach) { b.Status, b.Measures = privacy.BreachClosed, "x" }, "authority_notified_at", "required_to_close"},
		{"closed high risk without telling people", func(b *privacy.Breach) {
			b.Status, b.Measures, b.Risk, b.AuthorityNotifiedAt = privacy.BreachClosed, "x", privacy.RiskHigh, tp(discovered.Add(time.Hour))
		}, "people_notified_at", "required_to_close"},
		{"closed high risk, reason not to tell", func(b *privacy.Breach) {
			b.Status, b.Measures, b.Risk, b.AuthorityNotifiedAt = privacy.BreachClosed, "x", privacy.RiskHigh, tp(discovered.Add(time.Hour))
			b.NoNoticeReason = "data encrypted (Article 34(3)(a))"
		}, "", ""},
		{"closed unlikely risk", func(b *privacy.Breach) {
			b.Status, b.Measures, b.Risk = privacy.BreachClosed, "x", privacy.RiskUnlikely
		}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := validBreach()
			tc.edit(&b)
			err := b.Validate(now)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			for _, f := range errs.FieldsOf(err) {
				if f.Field == tc.field && f.Code == tc.code {
					return
				}
			}
			t.Fatalf("want %s/%s, got %v", tc.field, tc.code, err)
		})
	}
}

// TestBreachClock: the 72 hours run from the discovery; a breach of
// unlikely risk has no clock; a notified one is no longer pending.
func TestBreachClock(t *testing.T) {
	b := validBreach()
	if got := b.Deadline(); !got.Equal(discovered.Add(72 * time.Hour)) {
		t.Fatalf("deadline %v", got)
	}
	for _, tc := range []struct {
		at      time.Duration
		overdue bool
	}{{71 * time.Hour, false}, {72*time.Hour - time.Second, false}, {72 * time.Hour, true}, {80 * time.Hour, true}} {
		if got := b.Overdue(discovered.Add(tc.at)); got != tc.overdue {
			t.Errorf("at +%v: overdue %v", tc.at, got)
		}
	}
	if left := b.TimeLeft(discovered.Add(80 * time.Hour)); left != -8*time.Hour {
		t.Errorf("late by %v", left)
	}
	b.AuthorityNotifiedAt = tp(discovered.Add(10 * time.Hour))
	if b.Overdue(discovered.Add(80*time.Hour)) || b.Pending() || b.NotifiedLate() {
		t.Error("a breach notified in time is overdue")
	}
	b = validBreach()
	b.Risk = privacy.RiskUnlikely
	if b.Overdue(discovered.Add(100*time.Hour)) || b.MustNotify() {
		t.Error("a breach of unlikely risk has a clock")
	}
}

// FuzzBreachJSON decodes any body as the API does, applies and validates
// it: nothing panics, and a breach that validates survives a JSON round
// trip unchanged.
func FuzzBreachJSON(f *testing.F) {
	f.Add([]byte(`{"discovered_at":"2026-11-20T09:00:00Z","nature":"vol","categories":["identity","bank"],"subjects":["contact"],"people_count":12,"risk":"high"}`))
	f.Add([]byte(`{"authority_notified_at":null,"people_notified_at":"2026-11-21T09:00:00+01:00","status":"closed","measures":"x"}`))
	f.Add([]byte(`{"nature":"\u0000\ud800","categories":[""],"people_count":-1}`))
	f.Add([]byte(`{"account_id":2}`))
	now := discovered.Add(200 * time.Hour)
	f.Fuzz(func(t *testing.T, body []byte) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		var in privacy.BreachInput
		if err := dec.Decode(&in); err != nil {
			return
		}
		b := validBreach()
		in.Apply(&b)
		if b.Validate(now) != nil {
			return
		}
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		var back privacy.Breach
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normalised(back), normalised(b)) {
			t.Fatalf("round trip:\n%+v\n%+v", back, b)
		}
	})
}

func normalised(b privacy.Breach) privacy.Breach {
	b.DiscoveredAt = b.DiscoveredAt.UTC()
	if b.Categories == nil {
		b.Categories = []privacy.Category{}
	}
	if b.Subjects == nil {
		b.Subjects = []privacy.Subject{}
	}
	for _, p := range []**time.Time{&b.AuthorityNotifiedAt, &b.PeopleNotifiedAt} {
		if *p != nil {
			u := (*p).UTC()
			*p = &u
		}
	}
	return b
}
