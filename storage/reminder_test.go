package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestClaimReminders: only open tasks of the account whose reminder time
// has passed are claimed, with the assignee's (else the author's) address,
// and each exactly once even when claimed from several places at once.
func TestClaimReminders(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctxA, _ := mustAccount(t, db, "Alpha")
		ctxB, _ := mustAccount(t, db, "Beta")
		author := identity.User{Email: "author@example.fr", PasswordHash: "h", Locale: "en"}
		assignee := identity.User{Email: "assignee@example.fr", PasswordHash: "h"}
		for _, u := range []*identity.User{&author, &assignee} {
			if err := db.CreateUser(context.Background(), u); err != nil {
				t.Fatal(err)
			}
			if err := db.AddMember(ctxA, u.ID, identity.RoleOwner); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		past, future := now.Add(-time.Minute), now.Add(time.Minute)
		contactA := crm.Contact{Kind: "person", LastName: "Dupré", FirstName: "Hélène"}
		contactB := crm.Contact{Kind: "person", LastName: "Other"}
		if err := db.CreateContact(ctxA, &contactA); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateContact(ctxB, &contactB); err != nil {
			t.Fatal(err)
		}
		done := past
		add := func(ctx context.Context, contact int64, subject string, c crm.Conversation) {
			c.ContactID, c.Subject, c.At, c.AuthorID = contact, subject, past, author.ID
			if c.Kind == "" {
				c.Kind = crm.Task
			}
			if err := db.CreateConversation(ctx, &c); err != nil {
				t.Fatal(err)
			}
		}
		add(ctxA, contactA.ID, "assigned", crm.Conversation{RemindAt: &past, AssigneeID: assignee.ID})
		add(ctxA, contactA.ID, "unassigned", crm.Conversation{RemindAt: &past})
		add(ctxA, contactA.ID, "later", crm.Conversation{RemindAt: &future})
		add(ctxA, contactA.ID, "done", crm.Conversation{RemindAt: &past, DoneAt: &done})
		add(ctxA, contactA.ID, "no reminder", crm.Conversation{})
		add(ctxB, contactB.ID, "other account", crm.Conversation{RemindAt: &past})

		// Four claims at once: together they get each due reminder once.
		var mu sync.Mutex
		got := map[string]storage.Reminder{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				var list []storage.Reminder
				err := db.WithTx(ctxA, func(ctx context.Context) error {
					var err error
					list, err = db.ClaimReminders(ctx, now, 10)
					return err
				})
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, r := range list {
					if _, twice := got[r.Task.Subject]; twice {
						t.Errorf("%q claimed twice", r.Task.Subject)
					}
					got[r.Task.Subject] = r
				}
			})
		}
		wg.Wait()
		if len(got) != 2 {
			t.Fatalf("claimed %v, want assigned and unassigned", got)
		}
		if r := got["assigned"]; r.Email != "assignee@example.fr" || r.ContactName != "Hélène Dupré" || r.Task.RemindedAt == nil || !r.Task.RemindedAt.Equal(now) {
			t.Errorf("assigned: %+v", r)
		}
		if r := got["unassigned"]; r.Email != "author@example.fr" || r.Locale != "en" {
			t.Errorf("unassigned goes to the author: %+v", r)
		}
		again, err := db.ClaimReminders(ctxA, now.Add(time.Hour), 10)
		if err != nil || len(again) != 1 || again[0].Task.Subject != "later" {
			t.Errorf("later claim = %v, %v", again, err)
		}
	})
}
