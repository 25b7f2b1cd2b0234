package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestRestrictedDocumentsNeedThePrivacyRight: once its person is erased,
// an invoice kept under its legal hold is out of the lists, the search by
// number or name, the document's page and its PDF for a role without the
// privacy right (here the accountant, who sees every other invoice), and
// still there for the owner.
func TestRestrictedDocumentsNeedThePrivacyRight(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		other := sellerReady(t, s, ctx)
		at(db, "2026-03-02")
		c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Restreinte"), IsClient: ptr(true),
			Address: &account.Address{Line1: "1 rue B", PostalCode: "69001", City: "Lyon", Country: "FR"}})
		if err != nil {
			t.Fatal(err)
		}
		held := issueInvoice(t, s, ctx, c.ID)
		visible := issueInvoice(t, s, ctx, other.ID)
		if _, err := s.EraseContact(ctx, c.ID, "test"); err != nil {
			t.Fatal(err)
		}
		accountant, _ := access.Builtin(access.RoleAccountant)
		actx := access.WithRights(ctx, accountant)
		ids := func(ctx context.Context, f sales.Filter) []int64 {
			t.Helper()
			docs, err := s.Documents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, d := range docs {
				out = append(out, d.ID)
			}
			return out
		}
		for _, f := range []sales.Filter{{}, {Query: held.Number}, {Query: "Restreinte"}, {ContactID: c.ID}} {
			if got := ids(actx, f); slices.Contains(got, held.ID) {
				t.Errorf("accountant's list %+v shows the restricted invoice", f)
			}
			if got := ids(ctx, f); !slices.Contains(got, held.ID) {
				t.Errorf("owner's list %+v lacks the restricted invoice: %v", f, got)
			}
		}
		if got := ids(actx, sales.Filter{}); !slices.Contains(got, visible.ID) {
			t.Errorf("accountant's list lacks the other invoice: %v", got)
		}
		if _, err := s.Document(actx, held.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("accountant opens the restricted invoice: %v", err)
		}
		if _, _, err := s.DocumentPDF(actx, held.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("accountant prints the restricted invoice: %v", err)
		}
		if v, err := s.Document(ctx, held.ID); err != nil || !v.Restricted {
			t.Errorf("owner opens the restricted invoice: %v %v", err, v.Restricted)
		}
		if _, _, err := s.DocumentPDF(ctx, held.ID); err != nil {
			t.Errorf("owner prints the restricted invoice: %v", err)
		}
	})
}
