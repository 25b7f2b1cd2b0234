package service_test

import (
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestBreachRegister records a breach, corrects it field by field (each
// correction in the log with before and after), lists the register, and
// keeps other accounts and roles without the privacy right out.
func TestBreachRegister(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		other, _ := mustCreate(t, s, "Voisin", "owner@voisin.example")
		now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		found := now.Add(-80 * time.Hour)
		cats := []privacy.Category{privacy.Identity, privacy.ContactData}
		b, err := s.RecordBreach(ctx, privacy.BreachInput{DiscoveredAt: &found, Nature: ptr(" Ordinateur volé "),
			Categories: &cats, PeopleCount: ptr(int64(120))})
		if err != nil {
			t.Fatal(err)
		}
		if b.Nature != "Ordinateur volé" || b.ReportedBy != "owner@atelier.example" || b.Risk != privacy.RiskPresent || !b.Overdue(now) {
			t.Fatalf("recorded %+v", b)
		}
		if _, err := s.RecordBreach(ctx, privacy.BreachInput{Nature: ptr("x")}); errs.FieldsOf(err) == nil {
			t.Fatalf("a breach without its discovery: %v", err)
		}
		// Notified late: the reasons are required.
		late := found.Add(75 * time.Hour)
		if _, err := s.UpdateBreach(ctx, b.ID, privacy.BreachInput{AuthorityNotifiedAt: ptr(&late)}); errs.FieldsOf(err) == nil ||
			errs.FieldsOf(err)[0].Code != "required_when_late" {
			t.Fatalf("late without reasons: %v", err)
		}
		b, err = s.UpdateBreach(ctx, b.ID, privacy.BreachInput{AuthorityNotifiedAt: ptr(&late), LateReason: ptr("enquête interne"),
			AuthorityReference: ptr("CNIL-2026-42")})
		if err != nil || b.Overdue(now) || !b.NotifiedLate() {
			t.Fatalf("notified: %+v %v", b, err)
		}
		log, _ := s.Activity(ctx, activity.Filter{Limit: 2})
		if log[0].Action != activity.Update || log[0].RecordType != "breach" || log[0].RecordID != b.ID || len(log[0].Changes) != 3 ||
			log[1].Action != activity.Create {
			t.Fatalf("activity %+v", log)
		}
		// Nothing changed, nothing logged.
		if _, err := s.UpdateBreach(ctx, b.ID, privacy.BreachInput{LateReason: ptr("enquête interne")}); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.Activity(ctx, activity.Filter{Limit: 1}); again[0].ID != log[0].ID {
			t.Fatal("an empty correction was logged")
		}
		list, err := s.Breaches(ctx, 0, 10)
		if err != nil || len(list) != 1 || list[0].ID != b.ID || len(list[0].Categories) != 2 {
			t.Fatalf("register %+v %v", list, err)
		}
		// Another account sees nothing and changes nothing.
		if _, err := s.Breach(other, b.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("other account read: %v", err)
		}
		if _, err := s.UpdateBreach(other, b.ID, privacy.BreachInput{Nature: ptr("x")}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("other account wrote: %v", err)
		}
		if list, _ := s.Breaches(other, 0, 10); len(list) != 0 {
			t.Fatalf("other account's register: %+v", list)
		}
		// A role without the privacy right.
		sales, _ := access.Builtin(access.RoleSales)
		if _, err := s.Breaches(access.WithRights(ctx, sales), 0, 10); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("sales read the register: %v", err)
		}
		// Pages of the register, newest discovery first.
		for i := 1; i <= 3; i++ {
			at := found.Add(time.Duration(i) * time.Hour)
			if _, err := s.RecordBreach(ctx, privacy.BreachInput{DiscoveredAt: &at, Nature: ptr("n")}); err != nil {
				t.Fatal(err)
			}
		}
		first, _ := s.Breaches(ctx, 0, 2)
		next, _ := s.Breaches(ctx, first[1].ID, 2)
		if len(first) != 2 || len(next) != 2 || !first[0].DiscoveredAt.After(first[1].DiscoveredAt) || next[1].ID != b.ID {
			t.Fatalf("pages %+v %+v", first, next)
		}
	})
}
