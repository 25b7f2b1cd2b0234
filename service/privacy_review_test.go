package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func closeNow(t *testing.T, db *storage.DB, id int64, at time.Time) {
	t.Helper()
	if err := db.SetAccountClosing(account.WithID(context.Background(), id), &at); err != nil {
		t.Fatal(err)
	}
}

// A fully credited invoice (status "cancelled") is still under its
// 10-year hold: the closure purge keeps it beside its credit note.
func TestClosedAccountKeepsCreditedInvoice(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		at(db, "2026-03-02")
		inv := issueInvoice(t, s, ctx, c.ID)
		cn, err := s.Derive(ctx, inv.ID, service.DeriveInput{Kind: sales.Credit})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, cn.ID); err != nil {
			t.Fatal(err)
		}
		closeNow(t, db, a.ID, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC))
		if _, err := s.PurgeClosedAccounts(access.AsSystem(context.Background()), time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		actx := account.WithID(context.Background(), a.ID)
		if _, err := db.Document(actx, inv.ID); err != nil {
			t.Errorf("invoice %s (issued 2026-03-02, hold until 2036) gone after purge: %v", inv.Number, err)
		}
		if _, err := db.Document(actx, cn.ID); err != nil {
			t.Errorf("credit note gone: %v", err)
		}
	})
}

// A closed account's member who belongs nowhere else loses their login,
// but another account's log that names them still verifies.
func TestPurgedMemberKeepsOtherChains(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctxA, a := mustCreate(t, s, "Atelier", "owner@atelier.example")
		_, b := mustCreate(t, s, "Boutique", "owner@boutique.example")
		u := roleCtx(t, db, a, "emp@example.fr", access.RoleSales)
		uid := identity.ActorFrom(u).UserID
		if err := db.AddMember(account.WithID(context.Background(), b.ID), uid, access.RoleSales); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateContact(u, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Client"), IsClient: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveMember(ctxA, uid); err != nil {
			t.Fatal(err)
		}
		if brk, _, err := s.VerifyActivity(ctxA); err != nil || brk != nil {
			t.Fatalf("before: %+v %v", brk, err)
		}
		closeNow(t, db, b.ID, time.Now().Add(-time.Hour))
		if _, err := s.PurgeClosedAccounts(access.AsSystem(context.Background()), time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UserByEmail(context.Background(), "emp@example.fr"); err == nil {
			t.Error("the purged member can still be found by e-mail")
		}
		if brk, _, err := s.VerifyActivity(ctxA); err != nil || brk != nil {
			t.Errorf("account A's activity chain broken by deleting a user of account B: %+v %v", brk, err)
		}
	})
}

// A client invoiced every month with no logged exchange is still active:
// neither ended, nor archived, nor anonymised on the old schedule.
func TestInvoicedClientIsNotArchived(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Atelier", "owner@atelier.example")
		at(db, "2020-03-02")
		c := sellerReady(t, s, ctx)
		for _, d := range []string{"2022-12-01", "2023-01-01", "2023-02-01", "2023-03-01"} {
			at(db, d)
			issueInvoice(t, s, ctx, c.ID)
		}
		at(db, "2023-03-03")
		if _, err := s.EndInactiveContacts(access.AsSystem(context.Background()), 36); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RunRetention(ctx, time.Date(2023, 3, 3, 0, 0, 0, 0, time.UTC), false); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Contact(ctx, c.ID)
		if got.ArchivedAt != nil {
			t.Errorf("client invoiced two days ago is ended (%v) and archived (%v)", got.EndedAt, got.ArchivedAt)
		}
		accountant := roleCtx(t, db, a, "compta@atelier.example", access.RoleAccountant)
		if _, err := s.Contact(accountant, c.ID); err != nil {
			t.Errorf("a member without the privacy right can no longer open the active client: %v", err)
		}
		at(db, "2029-03-03")
		if _, err := s.RunRetention(ctx, time.Date(2029, 3, 3, 0, 0, 0, 0, time.UTC), false); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Contact(ctx, c.ID)
		if got.ErasedAt != nil {
			t.Errorf("client anonymised 6 years after created+36 months though invoiced until 2023-03-01")
		}
	})
}

// An erased client's invoice, kept under its hold, is not in the dunning
// list.
func TestErasedPersonsInvoicesAreNotChased(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		seller := roleCtx(t, db, a, "seller@atelier.example", access.RoleAccountant)
		at(db, "2026-03-02")
		inv := issueInvoice(t, s, ctx, c.ID)
		if _, err := s.EraseContact(ctx, c.ID, "test"); err != nil {
			t.Fatal(err)
		}
		at(db, "2026-04-08")
		if _, err := s.Document(seller, inv.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("document visible: %v", err)
		}
		due, err := s.DueReminders(seller)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range due {
			if d.Document.ID == inv.ID {
				t.Errorf("restricted invoice %s listed to sales role, buyer %+v, e-mail %q", d.Document.Number, d.Document.Buyer.Name, d.Email)
			}
		}
	})
}

// The access copy leaves out the staff's IP address and user agent.
func TestAccessCopyLeavesOutStaffData(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Sujet"), Email: ptr("sujet@example.net"), IsClient: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		k := privacy.AccessRequest
		r, err := s.CreatePrivacyRequest(ctx, privacy.RequestInput{Kind: &k, Name: ptr("Sujet"), Email: ptr("sujet@example.net")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.LinkRequestContact(ctx, r.ID, c.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyRequestOtherwise(ctx, r.ID, "id card"); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := s.ExportForRequest(ctx, r.ID, &buf); err != nil {
			t.Fatal(err)
		}
		files := readZip(t, buf.Bytes())
		if strings.Contains(string(files["data.json"]), "192.0.2.1") {
			t.Errorf("data.json holds the staff member's IP address 192.0.2.1")
		}
	})
}

// A purge run with a clock in another zone waits for the grace period
// (SQLite compares times as text).
func TestPurgeWaitsInAnyZone(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		_, a := mustCreate(t, s, "Atelier", "owner@atelier.example")
		closes := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
		closeNow(t, db, a.ID, closes)
		loc := time.FixedZone("UTC+14", 14*3600)
		now := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC).In(loc) // 10 hours before closes_at
		rep, err := s.PurgeClosedAccounts(access.AsSystem(context.Background()), now)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Closed > 0 {
			t.Errorf("account purged 10 hours before the end of its grace period")
		}
	})
}
