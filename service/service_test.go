package service_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

var fast = password.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 16}

func newService(t testing.TB, db *storage.DB) *service.Service {
	s := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Password = fast
	s.Files = files.Store{Dir: t.TempDir()}
	return s
}

func mustCreate(t testing.TB, s *service.Service, name, email string) (context.Context, account.Account) {
	t.Helper()
	a, u, err := s.CreateAccount(context.Background(), service.NewAccount{Account: account.New(name), OwnerEmail: email, OwnerPassword: "pass1234word", OwnerVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := account.WithID(context.Background(), a.ID)
	owner, _ := access.Builtin(access.RoleOwner)
	ctx = access.WithRights(ctx, owner)
	return identity.WithActor(ctx, identity.Actor{UserID: u.ID, Email: u.Email, IP: "192.0.2.1", UserAgent: "test"}), a
}

func TestCreateAccountValidatesEverything(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		_, _, err := s.CreateAccount(context.Background(), service.NewAccount{Account: account.New(""), OwnerEmail: "no", OwnerPassword: "12345678"})
		var got []string
		for _, f := range errs.FieldsOf(err) {
			got = append(got, f.Field+":"+f.Code)
		}
		if want := "email:invalid_email name:required password:password_needs_letters_and_digits"; strings.Join(got, " ") != want {
			t.Fatalf("fields = %v, want %s", got, want)
		}
		if list, _ := db.ListAccounts(context.Background()); len(list) != 0 {
			t.Fatal("an invalid account was stored")
		}
	})
}

func TestLogin(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Alpha", "Owner@Example.fr")
		_, _, errUnknown := s.Login(ctx, "nobody@example.fr", "pass1234word", 0)
		_, _, errWrong := s.Login(ctx, "owner@example.fr", "wrong", 0)
		if !errs.Is(errUnknown, errs.Unauthorized) || errs.MessageOf(errUnknown) != errs.MessageOf(errWrong) {
			t.Fatalf("unknown user %v vs wrong password %v: must be the same Unauthorized answer", errUnknown, errWrong)
		}
		token, sess, err := s.Login(ctx, " OWNER@example.fr ", "pass1234word", 0)
		if err != nil || sess.AccountID != a.ID || len(token) < 40 {
			t.Fatalf("Login = %q, %+v, %v", token, sess, err)
		}
		if sess.TokenHash == token || sess.TokenHash != identity.HashToken(token) {
			t.Fatal("the session must store the token's hash, not the token")
		}
		_, p, err := s.Authenticate(ctx, token)
		if err != nil || p.User.Email != "owner@example.fr" || p.Membership.Role != identity.RoleOwner || p.Account.ID != a.ID {
			t.Fatalf("Authenticate = %+v %v", p, err)
		}
		if err := s.Logout(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, token); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("after logout: %v", err)
		}
	})
}

func TestLoginRehashesOldHashes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		s.Password = password.Params{Time: 2, Memory: 2048, Threads: 1, KeyLen: 32, SaltLen: 16}
		if _, _, err := s.Login(ctx, "owner@example.fr", "pass1234word", 0); err != nil {
			t.Fatal(err)
		}
		u, _ := db.UserByEmail(ctx, "owner@example.fr")
		if password.NeedsRehash(u.PasswordHash, s.Password) {
			t.Fatalf("hash not upgraded at login: %s", u.PasswordHash)
		}
	})
}

func TestUpdateAccountLogsFieldChanges(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		city, siren := "Pau", "732829320"
		if _, err := s.UpdateAccount(ctx, account.Update{SIREN: &siren, Address: &account.Address{City: city, Country: "FR"}}); err != nil {
			t.Fatal(err)
		}
		bad := "nope"
		if _, err := s.UpdateAccount(ctx, account.Update{SIREN: &bad}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("invalid update: %v", err)
		}
		log, err := s.Activity(ctx, activity.Filter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 || log[0].Action != "update" || log[1].Action != "create" {
			t.Fatalf("log = %+v", log)
		}
		e := log[0]
		if e.IP != "192.0.2.1" || e.UserAgent != "test" || e.UserID == 0 {
			t.Errorf("actor not recorded: %+v", e)
		}
		var fields []string
		for _, c := range e.Changes {
			fields = append(fields, c.Field+"="+c.After)
		}
		if strings.Join(fields, ",") != "siren=732829320,address.city=Pau" {
			t.Errorf("changes = %v", fields)
		}
	})
}

func TestIdempotentRollsBackTheWriteWhenTheKeyIsTaken(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		calls := 0
		write := func(ctx context.Context) service.Response {
			calls++
			label, iban := "Main", "FR7630006000011234567890189"
			if _, err := s.CreateBankAccount(ctx, account.BankAccountInput{Label: &label, IBAN: &iban}); err != nil {
				return service.Response{Status: 500}
			}
			return service.Response{Status: 201, ContentType: "application/json", Body: []byte(`{}`)}
		}
		for i := 0; i < 3; i++ {
			r, replayed, err := s.Idempotent(ctx, "key", "hash", write)
			if err != nil || r.Status != 201 || replayed != (i > 0) {
				t.Fatalf("call %d: %+v %v %v", i, r, replayed, err)
			}
		}
		if calls != 1 {
			t.Fatalf("write ran %d times", calls)
		}
		if _, _, err := s.Idempotent(ctx, "key", "other", write); !errs.Is(err, errs.Conflict) {
			t.Fatalf("same key, other request: %v", err)
		}
		if list, _ := s.BankAccounts(ctx, 0, 10); len(list) != 1 {
			t.Fatalf("%d bank accounts, want 1", len(list))
		}
	})
}

func TestAPITokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		_, a := mustCreate(t, s, "Alpha", "owner@example.fr")
		token, err := s.CreateAPIToken(context.Background(), "owner@example.fr", 0, "ci")
		if err != nil || !strings.HasPrefix(token, "cpt_") {
			t.Fatalf("token %q, %v", token, err)
		}
		p, _, err := s.AuthenticateToken(context.Background(), token)
		if err != nil || p.Membership.AccountID != a.ID || p.Membership.Role != identity.RoleOwner {
			t.Fatalf("AuthenticateToken: %+v %v", p, err)
		}
		if _, _, err := s.AuthenticateToken(context.Background(), token+"x"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("forged token: %v", err)
		}
		if _, err := s.CreateAPIToken(context.Background(), "owner@example.fr", a.ID+1, "x"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("token for an account the user is not in: %v", err)
		}
	})
}

func activityFilter(limit int) activity.Filter { return activity.Filter{Limit: limit} }
