package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestSendTaskReminders runs the reminder job at given times: a due
// reminder is e-mailed once through the SMTP server, recorded in the
// activity and delivery logs; a done task and a later reminder are not
// sent; a new reminder time sends again.
func TestSendTaskReminders(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		contact, _ := s.CreateContact(ctx, crm.Input{CompanyName: ptr("Boulangerie Martin"), Kind: ptr("company")})
		now := time.Now().UTC().Truncate(time.Second)
		due := now.Add(24 * time.Hour)
		remind := now.Add(-time.Minute)
		task, err := s.AddConversation(ctx, contact.ID, crm.ConversationInput{Kind: ptr(crm.Task), Subject: ptr("Envoyer le devis"), DueAt: &due, RemindAt: &remind})
		if err != nil {
			t.Fatal(err)
		}
		doneTask, _ := s.AddConversation(ctx, contact.ID, crm.ConversationInput{Kind: ptr(crm.Task), Subject: ptr("Fait"), RemindAt: &remind, Done: ptr(true)})
		later := now.Add(time.Hour)
		_, _ = s.AddConversation(ctx, contact.ID, crm.ConversationInput{Kind: ptr(crm.Task), Subject: ptr("Plus tard"), RemindAt: &later})
		if _, err := s.AddConversation(ctx, contact.ID, crm.ConversationInput{Kind: ptr(crm.Note), Subject: ptr("x"), RemindAt: &remind}); !errs.Is(err, errs.Invalid) {
			t.Errorf("a reminder on a note: %v", err)
		}
		if _, err := s.SendTaskReminders(ctx, now); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a user ran the job: %v", err)
		}

		system := access.AsSystem(context.Background())
		for i := range 2 {
			n, err := s.SendTaskReminders(system, now)
			if err != nil || n != 1-i {
				t.Fatalf("run %d: sent %d, %v", i, n, err)
			}
		}
		m := srv.WaitFor(t, "owner@example.fr")
		if !strings.Contains(m.Subject, "Rappel : Envoyer le devis") || !strings.Contains(m.Text, "Boulangerie Martin") ||
			!strings.Contains(m.Text, "https://comptoir.example.fr/contacts/") {
			t.Errorf("reminder: %q\n%s", m.Subject, m.Text)
		}
		if got, _ := s.Conversations(ctx, contact.ID); !hasReminded(got, task.ID) || hasReminded(got, doneTask.ID) {
			t.Error("reminded_at not set on the task, or set on the done one")
		}
		log, _ := s.Activity(ctx, activityFilter(1))
		if log[0].Action != "remind_task" || log[0].RecordID != contact.ID {
			t.Errorf("activity: %+v", log[0])
		}
		if deliveries, _ := db.ListMailLog(ctx, 10); len(deliveries) != 1 || deliveries[0].Template != "task_reminder" {
			t.Errorf("mail log: %+v", deliveries)
		}

		// A new time is a new reminder; the later one comes when its time does.
		again := now.Add(time.Minute)
		if _, err := s.UpdateConversation(ctx, task.ID, crm.ConversationInput{RemindAt: &again}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.SendTaskReminders(system, now.Add(2*time.Hour)); err != nil || n != 2 {
			t.Fatalf("later run: sent %d, %v", n, err)
		}
		if len(srv.Messages()) != 2 {
			t.Errorf("%d messages waiting, want 2", len(srv.Messages()))
		}
	})
}

func hasReminded(list []crm.Conversation, id int64) bool {
	for _, c := range list {
		if c.ID == id {
			return c.RemindedAt != nil
		}
	}
	return false
}

// TestCalendarRights: a salesperson sees their own appointments and tasks,
// not a colleague's, and cannot ask for everyone's; an owner can.
func TestCalendarRights(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		seller := identity.User{Email: "seller@example.fr", PasswordHash: "h"}
		if err := db.CreateUser(context.Background(), &seller); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(ctx, seller.ID, access.RoleSales); err != nil {
			t.Fatal(err)
		}
		sales, _ := access.Builtin(access.RoleSales)
		sellerCtx := identity.WithActor(access.WithRights(ctx, sales), identity.Actor{UserID: seller.ID, Email: seller.Email})
		contact, _ := s.CreateContact(ctx, crm.Input{LastName: ptr("Dupré")})
		at := time.Date(2030, 3, 20, 9, 0, 0, 0, time.UTC)
		if _, err := s.AddConversation(ctx, contact.ID, crm.ConversationInput{Kind: ptr(crm.Appointment), Subject: ptr("Owner's"), At: &at, DurationMin: ptr(30)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddConversation(ctx, contact.ID, crm.ConversationInput{Kind: ptr(crm.Task), Subject: ptr("Seller's"), DueAt: &at, AssigneeID: &seller.ID}); err != nil {
			t.Fatal(err)
		}
		from, until := at.AddDate(0, 0, -1), at.AddDate(0, 0, 1)
		for _, tc := range []struct {
			name     string
			ctx      context.Context
			everyone bool
			want     string
		}{
			{"owner, own", ctx, false, "Owner's"},
			{"owner, everyone", ctx, true, "Owner's Seller's"},
			{"seller, own", sellerCtx, false, "Seller's"},
		} {
			list, err := s.Calendar(tc.ctx, from, until, tc.everyone)
			var got []string
			for _, c := range list {
				got = append(got, c.Subject)
			}
			if err != nil || strings.Join(got, " ") != tc.want {
				t.Errorf("%s: %v %v", tc.name, got, err)
			}
		}
		if _, err := s.Calendar(sellerCtx, from, until, true); !errs.Is(err, errs.Forbidden) {
			t.Errorf("seller, everyone: %v", err)
		}
	})
}
