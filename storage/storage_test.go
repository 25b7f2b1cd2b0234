package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// mustAccount creates an account and returns a context scoped to it.
func mustAccount(t testing.TB, db *storage.DB, name string) (context.Context, account.Account) {
	t.Helper()
	a := account.New(name)
	if err := db.CreateAccount(context.Background(), &a); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	return account.WithID(context.Background(), a.ID), a
}

func TestMigrate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ms, err := db.Migrations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			t.Fatal("no migrations found")
		}
		for _, m := range ms {
			if !m.Applied {
				t.Errorf("migration %s not applied", m.Name)
			}
		}
		again, err := db.Migrate(context.Background(), nil)
		if err != nil || len(again) != 0 {
			t.Fatalf("second Migrate applied %v, %v; want nothing", again, err)
		}
	})
}

func TestAccountRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, a := mustAccount(t, db, "Épicerie Vrac & Co")
		got, err := db.Account(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Épicerie Vrac & Co" || got.Currency != "EUR" || got.TimeZone != "Europe/Paris" || got.HasLogo {
			t.Fatalf("Account = %+v", got)
		}
		if !got.CreatedAt.Equal(a.CreatedAt) || got.CreatedAt.Location() != time.UTC {
			t.Fatalf("CreatedAt = %v (%v), want %v in UTC", got.CreatedAt, got.CreatedAt.Location(), a.CreatedAt)
		}
		got.SIREN, got.ShareCapital, got.Address.City = "732829320", 1_000_000, "Bayonne"
		if err := db.UpdateAccount(ctx, &got); err != nil {
			t.Fatal(err)
		}
		png := []byte("\x89PNG\r\n\x1a\nrest")
		if err := db.SetAccountLogo(ctx, png, "image/png"); err != nil {
			t.Fatal(err)
		}
		again, _ := db.Account(ctx)
		if again.SIREN != "732829320" || again.ShareCapital != 1_000_000 || again.Address.City != "Bayonne" || !again.HasLogo {
			t.Fatalf("after update: %+v", again)
		}
		logo, typ, err := db.AccountLogo(ctx)
		if err != nil || string(logo) != string(png) || typ != "image/png" {
			t.Fatalf("AccountLogo = %q, %q, %v", logo, typ, err)
		}
	})
}

// TestScopeFailsClosed proves that tenant queries refuse to run without an
// account in the context instead of reading every account's rows.
func TestScopeFailsClosed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustAccount(t, db, "A")
		calls := map[string]func() error{
			"Account":           func() error { _, err := db.Account(ctx); return err },
			"ListBankAccounts":  func() error { _, err := db.ListBankAccounts(ctx, 0, 10); return err },
			"BankAccount":       func() error { _, err := db.BankAccount(ctx, 1); return err },
			"ListActivity":      func() error { _, err := db.ListActivity(ctx, activity.Filter{Limit: 10}); return err },
			"AppendActivity":    func() error { return db.AppendActivity(ctx, &activity.Entry{Module: "x", Action: "y"}) },
			"DeleteBankAccount": func() error { return db.DeleteBankAccount(ctx, 1) },
			"AddMember":         func() error { return db.AddMember(ctx, 1, "owner") },
		}
		for name, call := range calls {
			if err := call(); !errs.Is(err, errs.Unauthorized) {
				t.Errorf("%s without account: err = %v, want Unauthorized", name, err)
			}
		}
	})
}

// TestBankAccountIsolation: account B can neither see nor change A's rows;
// A's id answers not found.
func TestBankAccountIsolation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctxA, _ := mustAccount(t, db, "A")
		ctxB, _ := mustAccount(t, db, "B")
		b := account.BankAccount{Label: "Main", IBAN: "FR7630006000011234567890189", IsDefault: true}
		if err := db.CreateBankAccount(ctxA, &b); err != nil {
			t.Fatal(err)
		}
		if _, err := db.BankAccount(ctxB, b.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B reads A's bank account: %v", err)
		}
		if list, _ := db.ListBankAccounts(ctxB, 0, 10); len(list) != 0 {
			t.Errorf("B lists A's bank accounts: %v", list)
		}
		stolen := b
		stolen.Label = "stolen"
		if err := db.UpdateBankAccount(ctxB, &stolen); !errs.Is(err, errs.NotFound) {
			t.Errorf("B updates A's bank account: %v", err)
		}
		if err := db.DeleteBankAccount(ctxB, b.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's bank account: %v", err)
		}
		got, err := db.BankAccount(ctxA, b.ID)
		if err != nil || got.Label != "Main" {
			t.Fatalf("A's bank account changed: %+v, %v", got, err)
		}
	})
}

func TestBankAccountsOneDefault(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, _ := mustAccount(t, db, "A")
		first := account.BankAccount{Label: "One", IBAN: "FR7630006000011234567890189", IsDefault: true}
		second := account.BankAccount{Label: "Two", IBAN: "DE89370400440532013000", IsDefault: true}
		for _, b := range []*account.BankAccount{&first, &second} {
			if err := db.CreateBankAccount(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		list, err := db.ListBankAccounts(ctx, 0, 10)
		if err != nil || len(list) != 2 {
			t.Fatalf("list = %v, %v", list, err)
		}
		if list[0].IsDefault || !list[1].IsDefault {
			t.Fatalf("defaults = %v, %v; want only the newest", list[0].IsDefault, list[1].IsDefault)
		}
		page, _ := db.ListBankAccounts(ctx, list[0].ID, 10)
		if len(page) != 1 || page[0].ID != second.ID {
			t.Fatalf("page after first = %v", page)
		}
	})
}

func TestTxRollsBackAndFixesNow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, _ := mustAccount(t, db, "A")
		fixed := time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
		db.SetClock(func() time.Time { return fixed })
		boom := errors.New("boom")
		err := db.WithTx(ctx, func(ctx context.Context) error {
			if got := db.Now(ctx); !got.Equal(fixed.Truncate(time.Microsecond)) || got.Location() != time.UTC {
				t.Errorf("Now in tx = %v", got)
			}
			b := account.BankAccount{Label: "Temp", IBAN: "FR7630006000011234567890189"}
			if err := db.CreateBankAccount(ctx, &b); err != nil {
				return err
			}
			if err := db.AppendActivity(ctx, &activity.Entry{Module: "account", Action: "create"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("WithTx = %v, want boom", err)
		}
		if list, _ := db.ListBankAccounts(ctx, 0, 10); len(list) != 0 {
			t.Errorf("rolled-back bank account persisted: %v", list)
		}
		if list, _ := db.ListActivity(ctx, activity.Filter{Limit: 10}); len(list) != 0 {
			t.Errorf("rolled-back activity persisted: %v", list)
		}
	})
}

func TestUsersAndMemberships(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctxA, _ := mustAccount(t, db, "Alpha")
		ctxB, _ := mustAccount(t, db, "Beta")
		u := identity.User{Email: "owner@example.fr", PasswordHash: "h"}
		if err := db.CreateUser(context.Background(), &u); err != nil {
			t.Fatal(err)
		}
		dup := identity.User{Email: "owner@example.fr", PasswordHash: "h"}
		if err := db.CreateUser(context.Background(), &dup); !errs.Is(err, errs.Conflict) {
			t.Fatalf("duplicate e-mail: %v, want Conflict", err)
		}
		if err := db.AddMember(ctxA, u.ID, identity.RoleOwner); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Membership(ctxB, u.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("membership in B: %v, want NotFound", err)
		}
		m, err := db.Membership(ctxA, u.ID)
		if err != nil || m.Role != identity.RoleOwner || m.AccountName != "Alpha" {
			t.Fatalf("membership in A = %+v, %v", m, err)
		}
		ms, err := db.Memberships(context.Background(), u.ID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("Memberships = %v, %v", ms, err)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, a := mustAccount(t, db, "A")
		u := identity.User{Email: "u@example.fr", PasswordHash: "h"}
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(ctx, u.ID, identity.RoleOwner); err != nil {
			t.Fatal(err)
		}
		now := db.Now(ctx)
		live := identity.Session{TokenHash: "live", UserID: u.ID, AccountID: a.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		old := live
		old.TokenHash, old.LastSeenAt = "idle", now.Add(-3*time.Hour)
		for _, s := range []identity.Session{live, old} {
			if err := db.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.DeleteExpiredSessions(ctx)
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		got, p, err := db.SessionPrincipal(ctx, "live")
		if err != nil || got.UserID != u.ID || !got.ExpiresAt.Equal(live.ExpiresAt) || p.User.Email != u.Email ||
			p.Membership.Role != identity.RoleOwner || p.Membership.AccountID != a.ID || p.Account.Name != "A" {
			t.Fatalf("SessionPrincipal = %+v, %+v, %v", got, p, err)
		}
		tok := identity.APIToken{UserID: u.ID, Name: "script", TokenHash: "th"}
		if err := db.CreateAPIToken(ctx, &tok); err != nil {
			t.Fatal(err)
		}
		if err := db.TouchAPIToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		back, p, err := db.TokenPrincipal(ctx, "th")
		if err != nil || back.AccountID != a.ID || back.LastUsedAt == nil || p.User.ID != u.ID || p.Account.ID != a.ID {
			t.Fatalf("TokenPrincipal = %+v, %+v, %v", back, p, err)
		}
	})
}

func TestActivityPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, _ := mustAccount(t, db, "A")
		for i := 0; i < 5; i++ {
			e := activity.Entry{Module: "account", Action: "update", Changes: []activity.Change{{Field: "name", Before: "a", After: "b"}}}
			if err := db.AppendActivity(ctx, &e); err != nil {
				t.Fatal(err)
			}
		}
		first, err := db.ListActivity(ctx, activity.Filter{Limit: 3})
		if err != nil || len(first) != 3 {
			t.Fatalf("first page = %v, %v", first, err)
		}
		if first[0].ID < first[1].ID || first[0].Changes[0].After != "b" {
			t.Fatalf("not newest first or changes lost: %+v", first)
		}
		rest, _ := db.ListActivity(ctx, activity.Filter{BeforeID: first[2].ID, Limit: 3})
		if len(rest) != 2 {
			t.Fatalf("second page has %d entries, want 2", len(rest))
		}
	})
}

func TestIdempotentResponses(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctxA, _ := mustAccount(t, db, "A")
		ctxB, _ := mustAccount(t, db, "B")
		r := storage.IdempotentResponse{UserID: 1, Key: "k1", RequestHash: "rh", Status: 201, ContentType: "application/json", Body: []byte(`{"id":1}`)}
		if err := db.SaveIdempotentResponse(ctxA, r); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveIdempotentResponse(ctxA, r); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second save: %v, want Conflict", err)
		}
		got, err := db.IdempotentResponse(ctxA, 1, "k1")
		if err != nil || got.Status != 201 || string(got.Body) != `{"id":1}` {
			t.Fatalf("IdempotentResponse = %+v, %v", got, err)
		}
		if _, err := db.IdempotentResponse(ctxB, 1, "k1"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("other account sees the key: %v", err)
		}
	})
}

func TestSessionTouchAndEnd(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, a := mustAccount(t, db, "A")
		u := identity.User{Email: "u@example.fr", PasswordHash: "h"}
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(ctx, u.ID, identity.RoleOwner); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return start })
		for _, h := range []string{"s1", "s2"} {
			s := identity.Session{TokenHash: h, UserID: u.ID, AccountID: a.ID, CreatedAt: start, LastSeenAt: start, ExpiresAt: start.Add(time.Hour)}
			if err := db.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		db.SetClock(func() time.Time { return start.Add(10 * time.Minute) })
		if err := db.TouchSession(ctx, "s1"); err != nil {
			t.Fatal(err)
		}
		s, _, err := db.SessionPrincipal(ctx, "s1")
		if err != nil || !s.LastSeenAt.Equal(start.Add(10*time.Minute)) {
			t.Fatalf("after touch: %+v, %v", s, err)
		}
		if err := db.DeleteSession(ctx, "s1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SessionPrincipal(ctx, "s1"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("deleted session: %v", err)
		}
		if err := db.DeleteUserSessions(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SessionPrincipal(ctx, "s2"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("user's sessions not ended: %v", err)
		}
	})
}
