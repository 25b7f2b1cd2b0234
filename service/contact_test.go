package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func ptr[T any](v T) *T { return &v }

func TestContactsSearchAndRights(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Alpha", "owner@example.fr")
		people := []crm.Input{
			{LastName: ptr("Dupré"), FirstName: ptr("Hélène"), Email: ptr("Helene@Example.fr"), Tags: ptr([]string{"Bio", "vrac"}), IsClient: ptr(true), IBAN: ptr("FR7630006000011234567890189")},
			{Kind: ptr(crm.Company), CompanyName: ptr("Moulin de l'Ouest"), SIRET: ptr("732 829 320 00074"), IsSupplier: ptr(true)},
			{LastName: ptr("Martin"), FirstName: ptr("Léa"), Phone: ptr("06 12 34 56 78")},
		}
		for _, p := range people {
			if _, err := s.CreateContact(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		search := func(ctx context.Context, f crm.Filter) []string {
			list, err := s.Contacts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range list {
				names = append(names, c.DisplayName())
			}
			return names
		}
		if got := search(ctx, crm.Filter{Query: "helene DUPRE"}); len(got) != 1 || got[0] != "Hélène Dupré" {
			t.Errorf("accent-insensitive search: %v", got)
		}
		if got := search(ctx, crm.Filter{Query: "0612"}); len(got) != 1 {
			t.Errorf("phone search: %v", got)
		}
		if got := search(ctx, crm.Filter{Role: "supplier"}); len(got) != 1 || got[0] != "Moulin de l'Ouest" {
			t.Errorf("role filter: %v", got)
		}
		if got := search(ctx, crm.Filter{Tag: "BIO"}); len(got) != 1 {
			t.Errorf("tag filter: %v", got)
		}
		if got := search(ctx, crm.Filter{Query: "%"}); len(got) != 0 {
			t.Errorf("LIKE wildcard not escaped: %v", got)
		}
		first, _ := s.Contacts(ctx, crm.Filter{Limit: 2})
		rest, _ := s.Contacts(ctx, crm.Filter{Limit: 2, AfterKey: first[1].SortKey(), AfterID: first[1].ID})
		if len(first) != 2 || len(rest) != 1 || rest[0].ID == first[0].ID || rest[0].ID == first[1].ID {
			t.Errorf("keyset pages: %v / %v", first, rest)
		}

		// A salesperson sees only their own contacts, never bank details.
		salesUser := identity.User{Email: "sales@example.fr", PasswordHash: "!"}
		if err := db.CreateUser(context.Background(), &salesUser); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(account.WithID(context.Background(), a.ID), salesUser.ID, access.RoleSales); err != nil {
			t.Fatal(err)
		}
		rights, _ := access.Builtin(access.RoleSales)
		sctx := identity.WithActor(access.WithRights(account.WithID(context.Background(), a.ID), rights), identity.Actor{UserID: salesUser.ID})
		if got := search(sctx, crm.Filter{}); len(got) != 0 {
			t.Errorf("salesperson sees others' contacts: %v", got)
		}
		mine, err := s.CreateContact(sctx, crm.Input{LastName: ptr("Petit"), OwnerID: ptr(int64(1))})
		if err != nil || mine.OwnerID != salesUser.ID {
			t.Fatalf("salesperson's contact: %+v %v", mine, err)
		}
		if _, err := s.CreateContact(sctx, crm.Input{LastName: ptr("X"), IBAN: ptr("FR7630006000011234567890189")}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("salesperson sets bank details: %v", err)
		}
		list, _ := s.Contacts(ctx, crm.Filter{Query: "helene"})
		if list[0].IBAN == "" {
			t.Error("the owner does not see bank details")
		}
		if _, err := s.Contact(sctx, list[0].ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("salesperson reads another's contact: %v", err)
		}
		if _, err := s.UpdateContact(ctx, list[0].ID, crm.Input{SIREN: ptr("123456789")}); !errs.Is(err, errs.Invalid) {
			t.Errorf("invalid SIREN accepted: %v", err)
		}
		log, _ := s.Activity(ctx, activityFilter(10))
		if log[0].Module != "contacts" || log[0].Action != "create" {
			t.Errorf("activity: %+v", log[0])
		}
	})
}

func TestEndOfRelationship(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		start := time.Date(2022, 1, 10, 9, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return start })
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		old, _ := s.CreateContact(ctx, crm.Input{LastName: ptr("Ancien")})
		db.SetClock(func() time.Time { return start.AddDate(2, 0, 0) })
		recent, _ := s.CreateContact(ctx, crm.Input{LastName: ptr("Récent")})
		db.SetClock(func() time.Time { return start.AddDate(3, 1, 0) })
		if _, err := s.EndInactiveContacts(ctx, 36); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a user ran the system job: %v", err)
		}
		n, err := s.EndInactiveContacts(access.AsSystem(context.Background()), 36)
		if err != nil || n != 1 {
			t.Fatalf("ended %d, %v; want 1", n, err)
		}
		if c, _ := s.Contact(ctx, old.ID); c.EndedAt == nil {
			t.Error("inactive contact not ended")
		}
		if c, _ := s.Contact(ctx, recent.ID); c.EndedAt != nil {
			t.Error("recent contact ended")
		}
		c, err := s.UpdateContact(ctx, old.ID, crm.Input{Ended: ptr(false)})
		if err != nil || c.EndedAt != nil {
			t.Fatalf("resume: %+v %v", c.EndedAt, err)
		}
	})
}
