package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func TestContactViews(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Alpha", "owner@example.fr")
		ctxB, _ := mustCreate(t, s, "Beta", "beta@example.fr")
		// A salesperson of the same account: views are personal.
		sales := identity.User{Email: "sales@example.fr", PasswordHash: "!"}
		if err := db.CreateUser(context.Background(), &sales); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(account.WithID(context.Background(), a.ID), sales.ID, access.RoleSales); err != nil {
			t.Fatal(err)
		}
		rights, _ := access.Builtin(access.RoleSales)
		sctx := identity.WithActor(access.WithRights(account.WithID(context.Background(), a.ID), rights), identity.Actor{UserID: sales.ID})
		names := func(ctx context.Context) string {
			t.Helper()
			list, err := s.ContactViews(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, v := range list {
				out = append(out, v.Name+"="+v.Query)
			}
			return strings.Join(out, " ")
		}

		v, created, err := s.SaveContactView(ctx, crm.SavedViewInput{Name: " Clients bio ", Query: "tag=bio&role=client"})
		if err != nil || !created || v.ID == 0 || v.Name != "Clients bio" || v.Query != "role=client&tag=bio" {
			t.Fatalf("save: %+v %v %v", v, created, err)
		}
		// The same name replaces the filters of that view.
		again, created, err := s.SaveContactView(ctx, crm.SavedViewInput{Name: "Clients bio", Query: "role=client&tag=bio&city=Pau"})
		if err != nil || created || again.ID != v.ID || again.Query != "city=Pau&role=client&tag=bio" {
			t.Fatalf("save again: %+v %v %v", again, created, err)
		}
		if _, created, err := s.SaveContactView(ctx, crm.SavedViewInput{Name: "Clients bio", Query: "tag=bio&city=Pau&role=client"}); err != nil || created {
			t.Fatalf("unchanged: %v %v", created, err)
		}
		if _, _, err := s.SaveContactView(ctx, crm.SavedViewInput{Name: "À relancer", Query: "contact_before=2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SaveContactView(ctx, crm.SavedViewInput{Name: "x", Query: "after=3"}); fieldCode(err) != "query:unknown_filter" {
			t.Errorf("pagination saved as a filter: %v", err)
		}
		if got, want := names(ctx), "Clients bio=city=Pau&role=client&tag=bio À relancer=contact_before=2026-01-01"; got != want {
			t.Errorf("views = %q, want %q", got, want)
		}

		// Another member of the account neither sees nor deletes them, and
		// may use the same name.
		if got := names(sctx); got != "" {
			t.Errorf("the salesperson sees the owner's views: %q", got)
		}
		if err := s.DeleteContactView(sctx, v.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("the salesperson deletes the owner's view: %v", err)
		}
		mine, created, err := s.SaveContactView(sctx, crm.SavedViewInput{Name: "Clients bio", Query: "owner=me"})
		if err != nil || !created || mine.ID == v.ID {
			t.Fatalf("the salesperson's view: %+v %v", mine, err)
		}
		// Another account neither.
		if got := names(ctxB); got != "" {
			t.Errorf("B sees A's views: %q", got)
		}
		if err := s.DeleteContactView(ctxB, v.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's view: %v", err)
		}
		// No right to see contacts, no views.
		if _, err := s.ContactViews(access.WithRights(ctx, access.Rights{})); !errs.Is(err, errs.Forbidden) {
			t.Errorf("views without the contacts right: %v", err)
		}
		if _, _, err := s.SaveContactView(identity.WithActor(ctx, identity.Actor{UserID: 1, Support: true}), crm.SavedViewInput{Name: "x"}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a support session saves a view: %v", err)
		}

		if err := s.DeleteContactView(ctx, v.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteContactView(ctx, v.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("deleted twice: %v", err)
		}
		if got := names(sctx); got != "Clients bio=owner=me" {
			t.Errorf("the salesperson's view after the owner's deletion: %q", got)
		}
		log, _ := s.Activity(ctx, activityFilter(10))
		var actions []string
		for _, e := range log[:5] {
			if e.Module != "contacts" || e.RecordType != "contact_view" {
				t.Errorf("entry: %+v", e)
			}
			actions = append(actions, e.Action+":"+e.Summary)
		}
		if want := "delete_view:Clients bio save_view:Clients bio save_view:À relancer save_view:Clients bio save_view:Clients bio"; strings.Join(actions, " ") != want {
			t.Errorf("activity = %v, want %s", actions, want)
		}
		if c := log[3].Changes; len(c) != 1 || c[0].Field != "query" || c[0].After != "city=Pau&role=client&tag=bio" {
			t.Errorf("the replacement's changes: %+v", c)
		}

		// A member removed from the account loses their views.
		if err := db.RemoveMember(account.WithID(context.Background(), a.ID), sales.ID); err != nil {
			t.Fatal(err)
		}
		if got := names(sctx); got != "" {
			t.Errorf("a removed member's views stay: %q", got)
		}
	})
}
