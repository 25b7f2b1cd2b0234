package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestEraseContact erases a client with an issued invoice, a payment, a
// draft quote, an extra address, a conversation and a case: the held
// records stay, restricted; the rest goes; the contact row is emptied; the
// activity log no longer names them and its chain still verifies.
func TestEraseContact(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		sellerReady(t, s, ctx)
		at(db, "2026-03-02")
		c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), FirstName: ptr("Zoé"), LastName: ptr("Quertinmont"),
			Email: ptr("zoe.quertinmont@example.net"), Phone: ptr("06 12 34 56 78"), IsClient: ptr(true), Notes: ptr("aime le vrac"),
			Address: &account.Address{Line1: "9 rue Quertinmont", PostalCode: "69003", City: "Lyon", Country: "FR"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAddress(ctx, c.ID, crm.AddressInput{Kind: ptr("delivery"), Line1: ptr("2 allée Quertinmont"), PostalCode: ptr("69001"), City: ptr("Lyon")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddConversation(ctx, c.ID, crm.ConversationInput{Kind: ptr("note"), Subject: ptr("Appel de Zoé Quertinmont"), Body: ptr("rappeler")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.OpenCase(ctx, c.ID, "Colis de Zoé Quertinmont", "normal", "abîmé"); err != nil {
			t.Fatal(err)
		}
		inv := issueInvoice(t, s, ctx, c.ID)
		if _, err := s.RecordPayment(ctx, service.PaymentInput{ContactID: c.ID, DocumentID: inv.ID, Date: "2026-03-02", Amount: 1000, Method: "transfer"}); err != nil {
			t.Fatal(err)
		}
		quote, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Quote), ContactID: &c.ID, Lines: lines(item("x", 1000, 100, 2000))})
		if err != nil {
			t.Fatal(err)
		}

		report, err := s.EraseContact(ctx, c.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		if report.Count(privacy.Kept) != 2 || report.Count(privacy.Anonymised) != 1 {
			t.Errorf("report %+v: want the invoice and the payment kept, the contact anonymised", report.Lines)
		}
		for _, table := range []string{"conversations", "cases", "contact_addresses", "documents", "activity"} {
			found := false
			for _, l := range report.Lines {
				found = found || (l.Table == table && l.Count > 0 && l.Reason != "")
			}
			if !found {
				t.Errorf("report says nothing of %s: %+v", table, report.Lines)
			}
		}
		if _, err := s.Document(ctx, quote.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("draft quote after erasure: %v", err)
		}
		if d := doc(t, s, ctx, inv.ID); !strings.Contains(d.Buyer.Name, "Quertinmont") {
			t.Errorf("the held invoice lost its buyer: %+v", d.Buyer)
		}
		got, err := s.Contact(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ErasedAt == nil || got.LastName != "" || got.Email != "" || got.Notes != "" || got.Address.Line1 != "" {
			t.Errorf("contact not emptied: %+v", got)
		}
		if _, err := s.EraseContact(ctx, c.ID, "again"); !errs.Is(err, errs.Conflict) {
			t.Errorf("second erasure: %v", err)
		}
		entries, err := s.Activity(ctx, activity.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.Contains(strings.ToLower(e.Summary+changesText(e)), "quertinmont") {
				t.Errorf("activity entry %d still names the person: %q", e.ID, e.Summary)
			}
		}
		if br, n, err := s.VerifyActivity(ctx); err != nil || br != nil {
			t.Errorf("chain after erasure: %+v after %d entries, %v", br, n, err)
		}
	})
}

// TestEraseProspectLeavesNoRow: a prospect with nothing under a hold is
// deleted outright, and erasing needs the privacy right.
func TestEraseProspectLeavesNoRow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Prospectine"), IsProspect: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		sales, _ := access.Builtin(access.RoleSales)
		if _, err := s.EraseContact(access.WithRights(ctx, sales), c.ID, "test"); !errs.Is(err, errs.Forbidden) {
			t.Errorf("erasure by a sales role: %v", err)
		}
		if _, err := s.EraseContact(ctx, c.ID, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Contact(ctx, c.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("prospect after erasure: %v", err)
		}
		if br, _, err := s.VerifyActivity(ctx); err != nil || br != nil {
			t.Errorf("chain: %+v %v", br, err)
		}
	})
}

func changesText(e activity.Entry) string {
	var b strings.Builder
	for _, c := range e.Changes {
		b.WriteString(c.Before + " " + c.After + " ")
	}
	return b.String()
}

var _ = context.Background

// TestErasureSparesTheEmployer: erasing a person attached to a company
// leaves the company's own log entries alone, and finds the person's name
// in the log whatever its accents and capitals.
func TestErasureSparesTheEmployer(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		co, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Ébénisterie Durandal"), IsClient: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), FirstName: ptr("Élodie"), LastName: ptr("Ébrard"),
			CompanyName: ptr("Ébénisterie Durandal"), CompanyID: &co.ID, IsProspect: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddConversation(ctx, co.ID, crm.ConversationInput{Kind: ptr("note"), Subject: ptr("Parlé à Élodie Ébrard"), Body: ptr("x")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EraseContact(ctx, p.ID, "test"); err != nil {
			t.Fatal(err)
		}
		entries, err := s.Activity(ctx, activity.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		companyEntries := 0
		for _, e := range entries {
			text := e.Summary + changesText(e)
			if strings.Contains(text, "Élodie") || strings.Contains(text, "Ébrard") {
				t.Errorf("entry %d still names the person: %q", e.ID, text)
			}
			if e.RecordType == "contact" && e.RecordID == co.ID && e.Summary != "" && !strings.Contains(text, "Élodie") {
				companyEntries++
			}
		}
		if companyEntries == 0 {
			t.Errorf("the company's own entries were redacted with its employee: %+v", entries)
		}
	})
}
