package service_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// rowsPerTable counts the rows of account id in every table with an
// account_id column, and its row in accounts.
func rowsPerTable(t *testing.T, db *storage.DB, id int64) map[string]int {
	t.Helper()
	out, err := db.AccountRows(account.WithID(context.Background(), id))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 20 {
		t.Fatalf("only %d tables with account_id: %v", len(out), out)
	}
	return out
}

// TestPurgeAccountEverywhere closes the demo account, the richest there is,
// beside another account, and reads every table of the schema: after the
// grace period only what the legal hold needs is left; when the last hold
// ends nothing of the account is, on either engine, and the other
// account has lost nothing.
func TestPurgeAccountEverywhere(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := storagetest.Open(t, e)
			s := newService(t, db)
			sys := access.AsSystem(context.Background())
			login, err := demo.Seed(sys, s)
			if err != nil {
				t.Fatal(err)
			}
			other, _, err := s.CreateAccount(sys, service.NewAccount{Account: account.New("Voisin"), OwnerEmail: "voisin@example.fr",
				OwnerPassword: "pass1234word", OwnerVerified: true})
			if err != nil {
				t.Fatal(err)
			}
			u, err := db.UserByEmail(context.Background(), login.Email)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := db.Memberships(context.Background(), u.ID)
			if err != nil || len(ms) != 1 {
				t.Fatalf("demo memberships %+v %v", ms, err)
			}
			demoID := ms[0].AccountID
			if _, err := s.CreateAPIToken(context.Background(), login.Email, demoID, "ci"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Login(context.Background(), login.Email, login.Password, 0); err != nil {
				t.Fatal(err)
			}
			actx := account.WithID(sys, demoID)
			found := time.Now().Add(-time.Hour)
			if _, err := s.RecordBreach(actx, privacy.BreachInput{DiscoveredAt: &found, Nature: ptr("x")}); err != nil {
				t.Fatal(err)
			}
			before := rowsPerTable(t, db, demoID)
			for _, table := range []string{"contacts", "documents", "document_lines", "payments", "activity", "memberships", "sessions", "api_tokens", "breaches", "products"} {
				if before[table] == 0 {
					t.Fatalf("the demo has no %s: the test proves nothing there", table)
				}
			}
			otherBefore := rowsPerTable(t, db, other.ID)

			closes := time.Now().Add(time.Hour)
			if err := db.SetAccountClosing(actx, &closes); err != nil {
				t.Fatal(err)
			}
			if _, err := s.PurgeClosedAccounts(sys, closes); err != nil {
				t.Fatal(err)
			}
			archive := rowsPerTable(t, db, demoID)
			kept := []string{"accounts", "documents", "document_lines", "payments", "payment_allocations", "attachments", "contacts",
				"bank_accounts", "sales_settings", "activity", "activity_heads"}
			for table, n := range archive {
				if n > 0 && !slices.Contains(kept, table) {
					t.Errorf("after the grace period, %s keeps %d rows of the closed account", table, n)
				}
			}
			if archive["documents"] == 0 || archive["documents"] >= before["documents"] || archive["activity"] != 1 {
				t.Errorf("archive: %d of %d documents, %d activity entries", archive["documents"], before["documents"], archive["activity"])
			}
			if _, err := db.UserByEmail(context.Background(), login.Email); err == nil {
				t.Error("the demo owner's login survived")
			}

			// Long after every hold: nothing of the account.
			if _, err := s.PurgeClosedAccounts(sys, privacy.HoldUntil(time.Now()).AddDate(1, 0, 0)); err != nil {
				t.Fatal(err)
			}
			for table, n := range rowsPerTable(t, db, demoID) {
				if n != 0 {
					t.Errorf("after the last hold, %s keeps %d rows of the deleted account", table, n)
				}
			}
			if after := rowsPerTable(t, db, other.ID); !mapsEqual(after, otherBefore) {
				t.Errorf("the other account changed:\nbefore %v\nafter  %v", otherBefore, after)
			}
		})
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
