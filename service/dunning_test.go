package service_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestDunning follows unpaid invoices through the default levels (7 days
// friendly, 15 days firm, 30 days formal notice by letter) with the daily
// job run four times at once each day against a real SMTP server: each
// level goes once, nothing between levels, nothing once paid or paused;
// a client without an address gets the reminder recorded as no_email;
// the formal notice states penalties and the €40 indemnity and carries
// the PDF.
func TestDunning(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		var pdfs sync.Map
		s.ReminderPDF = func(_ context.Context, d sales.Document, r sales.Reminder, acc account.Account) ([]byte, error) {
			pdfs.Store(d.ID, r.Level)
			return []byte("%PDF-1.7 notice " + d.Number), nil
		}
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		system := access.AsSystem(context.Background())
		company := sellerReady(t, s, ctx)
		person, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), FirstName: ptr("Jean"), LastName: ptr("Sansmail"), IsClient: ptr(true),
			Address: &account.Address{Line1: "2 rue Neuve", PostalCode: "69001", City: "Lyon", Country: "FR"}})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Martin SAS"), SIRET: ptr("73282932000074"),
			Email: ptr("compta@martin.example"), IsClient: ptr(true),
			Address: &account.Address{Line1: "5 quai Perrache", PostalCode: "69002", City: "Lyon", Country: "FR"}})
		if err != nil {
			t.Fatal(err)
		}
		at(db, "2026-03-02")
		a := issueInvoice(t, s, ctx, company.ID) // due 2026-04-01
		b := issueInvoice(t, s, ctx, person.ID)
		c := issueInvoice(t, s, ctx, other.ID)
		paused := issueInvoice(t, s, ctx, company.ID)
		if a.DueDate != "2026-04-01" {
			t.Fatalf("due %s", a.DueDate)
		}
		if _, err := s.PauseDunning(ctx, paused.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.PauseClientDunning(ctx, other.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RunDunning(ctx); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a user ran the job: %v", err)
		}

		// run runs the job four times at once and returns how many
		// reminders they claimed together.
		run := func(day string) int {
			t.Helper()
			at(db, day)
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			for range 4 {
				wg.Go(func() {
					n, err := s.RunDunning(system)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					total += n
					mu.Unlock()
				})
			}
			wg.Wait()
			return total
		}
		if n := run("2026-04-07"); n != 0 {
			t.Errorf("J+6: %d reminders", n)
		}
		at(db, "2026-04-08")
		due, err := s.DueReminders(ctx)
		if err != nil || len(due) != 2 || due[0].Level != 1 || due[0].OverdueDays != 7 || due[0].Email != "compta@durand.example" || due[1].Email != "" {
			t.Fatalf("due at J+7: %+v %v", due, err)
		}
		if n := run("2026-04-08"); n != 2 {
			t.Fatalf("J+7: %d reminders, want 2", n)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "compta@durand.example" || !strings.Contains(msgs[0].Subject, "Rappel : facture "+a.Number) ||
			!strings.Contains(msgs[0].Text, "Bonjour Durand SARL") || !strings.Contains(msgs[0].Text, "1\u202f200,00\u00a0€") ||
			!strings.Contains(msgs[0].Text, "01/04/2026") || !strings.Contains(msgs[0].Text, "7 jours") || !strings.Contains(msgs[0].Text, "Atelier") {
			t.Fatalf("J+7 messages: %d, %+v", len(msgs), msgs)
		}
		if rs, _ := s.Reminders(ctx, a.ID); len(rs) != 1 || rs[0].MailStatus != "sent" || rs[0].SentBy != 0 || rs[0].Balance != 120000 {
			t.Errorf("reminders of a: %+v", rs)
		}
		if rs, _ := s.Reminders(ctx, b.ID); len(rs) != 1 || rs[0].MailStatus != "no_email" {
			t.Errorf("reminders of b (no address): %+v", rs)
		}
		timeline, _ := s.Conversations(ctx, company.ID)
		found := false
		for _, e := range timeline {
			found = found || (e.Kind == crm.Document && e.DocumentID == a.ID && strings.Contains(e.Subject, a.Number))
		}
		if !found {
			t.Errorf("no document entry on the client's timeline: %+v", timeline)
		}
		if n := run("2026-04-11"); n != 0 {
			t.Errorf("J+10: %d reminders", n)
		}
		if n := run("2026-04-16"); n != 2 {
			t.Errorf("J+15: %d reminders, want 2", n)
		}
		if msgs := srv.Messages(); len(msgs) != 2 || !strings.Contains(msgs[1].Subject, "Deuxième relance") {
			t.Errorf("J+15 messages: %d", len(msgs))
		}
		if _, err := s.SendReminder(ctx, a.ID, 2); !errs.Is(err, errs.Conflict) {
			t.Errorf("level 2 sent twice by hand: %v", err)
		}

		// b is paid, a partly: only a gets the formal notice.
		if _, err := s.RecordPayment(ctx, service.PaymentInput{DocumentID: b.ID, Date: "2026-04-20", Amount: 120000, Method: "cheque"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordPayment(ctx, service.PaymentInput{DocumentID: a.ID, Date: "2026-04-20", Amount: 60000, Method: "transfer"}); err != nil {
			t.Fatal(err)
		}
		if n := run("2026-05-02"); n != 1 {
			t.Fatalf("J+31: %d reminders, want 1", n)
		}
		rs, _ := s.Reminders(ctx, a.ID)
		notice := rs[len(rs)-1]
		penalties := sales.Penalties(60000, 1215, 31)
		if len(rs) != 3 || notice.Level != 3 || notice.Channel != "letter" || notice.Balance != 60000 || notice.Penalties != penalties ||
			penalties <= 0 || notice.Indemnity != sales.Indemnity {
			t.Fatalf("formal notice %+v (penalties want %d)", rs, penalties)
		}
		m := srv.Messages()[2]
		if !strings.Contains(m.Subject, "Mise en demeure") || !strings.Contains(m.Text, penalties.Format("fr")+"\u00a0€") ||
			!strings.Contains(m.Text, "40,00\u00a0€") || !strings.Contains(m.Text, "12,15 %") ||
			!strings.Contains(m.Text, (60000+penalties+sales.Indemnity).Format("fr")) {
			t.Errorf("formal notice: %s\n%s", m.Subject, m.Text)
		}
		hasPDF := false
		for _, p := range m.Parts {
			hasPDF = hasPDF || (strings.HasPrefix(p.ContentType, "application/pdf") && strings.HasPrefix(string(p.Body), "%PDF"))
		}
		if !hasPDF {
			t.Errorf("no PDF attached: %+v", m.Parts)
		}
		if n := run("2026-05-20"); n != 0 {
			t.Errorf("after the last level: %d reminders", n)
		}
		for _, id := range []int64{c.ID, paused.ID} {
			if rs, _ := s.Reminders(ctx, id); len(rs) != 0 {
				t.Errorf("paused invoice %d reminded: %+v", id, rs)
			}
		}

		// Resumed with automatic reminders off: nothing; on: c, long
		// overdue, gets the first level (the next ones wait their gaps).
		if err := s.PauseClientDunning(ctx, other.ID, false); err != nil {
			t.Fatal(err)
		}
		st := sales.DefaultSettings()
		st.AutoDunning = false
		if err := db.SaveSalesSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		if n := run("2026-05-21"); n != 0 {
			t.Errorf("with automatic reminders off: %d", n)
		}
		st.AutoDunning = true
		if err := db.SaveSalesSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		if n := run("2026-05-21"); n != 1 {
			t.Errorf("after resuming: %d", n)
		}
		// Found long overdue, it gets the polite level first, not the
		// formal notice.
		if rs, _ := s.Reminders(ctx, c.ID); len(rs) != 1 || rs[0].Level != 1 || rs[0].Indemnity != 0 {
			t.Errorf("c after resuming: %+v", rs)
		}
		if len(srv.Messages()) != 4 {
			t.Errorf("%d messages in all, want 4", len(srv.Messages()))
		}
		log, _ := s.Activity(ctx, activityFilter(50))
		reminds := 0
		for _, e := range log {
			if e.Module == "sales" && e.Action == "remind" {
				reminds++
			}
		}
		if reminds != 6 {
			t.Errorf("%d remind entries, want 6", reminds)
		}
		if _, err := s.PauseDunning(ctx, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if log, _ := s.Activity(ctx, activityFilter(1)); log[0].Action != "pause_dunning" {
			t.Errorf("pause not logged: %+v", log[0])
		}
	})
}

// TestSendReminderByHand: a user sends a level by hand, in English for an
// English invoice; the daily job does not send it again.
func TestSendReminderByHand(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		at(db, "2026-03-02")
		d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Locale: ptr("en"),
			Lines: lines(item("Advice", 1000, 100000, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = s.Issue(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		at(db, "2026-04-05")
		r, err := s.SendReminder(ctx, d.ID, 1)
		if err != nil || r.MailStatus != "sent" || r.SentBy == 0 {
			t.Fatalf("by hand: %+v %v", r, err)
		}
		m := srv.WaitFor(t, "compta@durand.example")
		if !strings.Contains(m.Subject, "Reminder: invoice "+d.Number) || !strings.Contains(m.Text, "€1,200.00") ||
			!strings.Contains(m.Text, "1 April 2026") || !strings.Contains(m.Text, "4 days late") {
			t.Errorf("English reminder: %s\n%s", m.Subject, m.Text)
		}
		if _, err := s.SendReminder(ctx, d.ID, 9); !errs.Is(err, errs.Invalid) {
			t.Errorf("level 9: %v", err)
		}
		at(db, "2026-04-08")
		if n, err := s.RunDunning(access.AsSystem(context.Background())); err != nil || n != 0 {
			t.Errorf("the job sent level 1 again: %d %v", n, err)
		}
		if _, err := s.RecordPayment(ctx, service.PaymentInput{DocumentID: d.ID, Date: "2026-04-08", Amount: money.Amount(120000), Method: "card"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendReminder(ctx, d.ID, 2); !errs.Is(err, errs.Conflict) {
			t.Errorf("reminder of a paid invoice: %v", err)
		}
	})
}

// TestFormalNoticeConsumer: a formal notice claims late-payment penalties
// and the €40 indemnity from a business only; a consumer's states what is
// left to pay and nothing more, in the e-mail as in the record.
func TestFormalNoticeConsumer(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		company := sellerReady(t, s, ctx)
		person, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), FirstName: ptr("Jeanne"), LastName: ptr("Particulier"),
			Email: ptr("jeanne@example.fr"), IsClient: ptr(true),
			Address: &account.Address{Line1: "2 rue Neuve", PostalCode: "69001", City: "Lyon", Country: "FR"}})
		if err != nil {
			t.Fatal(err)
		}
		at(db, "2026-03-02")
		b2b := issueInvoice(t, s, ctx, company.ID) // due 2026-04-01
		b2c := issueInvoice(t, s, ctx, person.ID)
		if !b2b.Buyer.Business || b2c.Buyer.Business {
			t.Fatalf("buyers: company business=%v, person business=%v", b2b.Buyer.Business, b2c.Buyer.Business)
		}
		at(db, "2026-05-02") // 31 days late
		r, err := s.SendReminder(ctx, b2b.ID, 3)
		if err != nil || r.Channel != "letter" || r.Penalties != sales.Penalties(120000, 1215, 31) || r.Penalties <= 0 || r.Indemnity != sales.Indemnity {
			t.Fatalf("business notice: %+v %v", r, err)
		}
		m := srv.WaitFor(t, "compta@durand.example")
		if !strings.Contains(m.Text, "pénalités") || !strings.Contains(m.Text, "40,00\u00a0€") {
			t.Errorf("business notice without its penalties:\n%s", m.Text)
		}
		r, err = s.SendReminder(ctx, b2c.ID, 3)
		if err != nil || r.Channel != "letter" || r.Penalties != 0 || r.Indemnity != 0 || r.Balance != 120000 {
			t.Fatalf("consumer notice: %+v %v", r, err)
		}
		if rs, _ := s.Reminders(ctx, b2c.ID); len(rs) != 1 || rs[0].Penalties != 0 || rs[0].Indemnity != 0 {
			t.Errorf("consumer notice recorded: %+v", rs)
		}
		m = srv.WaitFor(t, "jeanne@example.fr")
		if !strings.Contains(m.Subject, "Mise en demeure") || strings.Contains(m.Text, "pénalités") || strings.Contains(m.Text, "indemnité") ||
			strings.Contains(m.Text, "40,00") || strings.Contains(m.Text, "L441-10") || !strings.Contains(m.Text, "1\u202f200,00\u00a0€") {
			t.Errorf("consumer notice: %s\n%s", m.Subject, m.Text)
		}
	})
}

// TestSendReminderNotOverdue: a reminder by hand is refused on an invoice
// not yet due, due today, or with nothing left to pay.
func TestSendReminderNotOverdue(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		at(db, "2026-03-02")
		d := issueInvoice(t, s, ctx, c.ID) // due 2026-04-01
		for _, day := range []string{"2026-03-02", "2026-04-01"} {
			at(db, day)
			_, err := s.SendReminder(ctx, d.ID, 1)
			if !errs.Is(err, errs.Conflict) || !strings.Contains(errs.MessageOf(err), "not overdue") {
				t.Errorf("reminder on %s of an invoice due 2026-04-01: %v", day, err)
			}
		}
		if rs, _ := s.Reminders(ctx, d.ID); len(rs) != 0 {
			t.Errorf("reminders recorded: %+v", rs)
		}
		at(db, "2026-04-02")
		if _, err := s.RecordPayment(ctx, service.PaymentInput{DocumentID: d.ID, Date: "2026-04-02", Amount: 120000, Method: "card"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendReminder(ctx, d.ID, 1); !errs.Is(err, errs.Conflict) || !strings.Contains(errs.MessageOf(err), "left to pay") {
			t.Errorf("reminder of a paid invoice: %v", err)
		}
		if d := doc(t, s, ctx, d.ID); d.DunningLevel != 0 {
			t.Errorf("dunning level %d", d.DunningLevel)
		}
	})
}

// TestDueRemindersOwnScope: the sales role, limited to its own records,
// lists only the overdue invoices its user created.
func TestDueRemindersOwnScope(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		seller := roleCtx(t, db, a, "seller@atelier.example", access.RoleSales)
		mine, err := s.CreateContact(seller, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Martin SAS"), SIRET: ptr("73282932000074"),
			Email: ptr("compta@martin.example"), IsClient: ptr(true),
			Address: &account.Address{Line1: "5 quai Perrache", PostalCode: "69002", City: "Lyon", Country: "FR"}})
		if err != nil {
			t.Fatal(err)
		}
		at(db, "2026-03-02")
		theirs := issueInvoice(t, s, ctx, c.ID)
		own := issueInvoice(t, s, seller, mine.ID)
		at(db, "2026-04-08")
		if due, err := s.DueReminders(ctx); err != nil || len(due) != 2 {
			t.Fatalf("owner's due reminders: %+v %v", due, err)
		}
		due, err := s.DueReminders(seller)
		if err != nil || len(due) != 1 || due[0].Document.ID != own.ID {
			t.Errorf("seller's due reminders: %+v %v (the owner's invoice is %d)", due, err, theirs.ID)
		}
		if _, err := s.Reminders(seller, theirs.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("seller reads the reminders of the owner's invoice: %v", err)
		}
	})
}
