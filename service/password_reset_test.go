package service_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

var codeInMail = regexp.MustCompile(`\b\d{8}\b`)

func withSMTP(t *testing.T, s *service.Service) *mailtest.Server {
	srv := mailtest.Start(t)
	sender, err := mail.ParseURL(srv.URL(), "Comptoir <no-reply@example.fr>")
	if err != nil {
		t.Fatal(err)
	}
	s.Mailer, s.BaseURL = sender, "https://comptoir.example.fr"
	return srv
}

// requestCode asks for a reset and reads the code from the e-mail.
func requestCode(t *testing.T, s *service.Service, srv *mailtest.Server, email string) (request, code string) {
	t.Helper()
	request, err := s.RequestPasswordReset(context.Background(), email, "fr")
	if err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, email)
	code = codeInMail.FindString(m.Subject)
	if code == "" || !regexp.MustCompile(`https://comptoir.example.fr/password/reset`).MatchString(m.Text) {
		t.Fatalf("reset mail: %+v", m)
	}
	return request, code
}

func TestPasswordResetByEmailedCode(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		token, _, err := s.Login(ctx, "owner@example.fr", "pass1234word", 0)
		if err != nil {
			t.Fatal(err)
		}
		request, code := requestCode(t, s, srv, "owner@example.fr")

		// The code works only with the request that asked for it.
		other, _ := s.RequestPasswordReset(context.Background(), "nobody@example.fr", "fr")
		if err := s.ResetPassword(ctx, other, code, "nouveau-Mot2passe"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("code with another request: %v", err)
		}
		// A weak password is refused before the code is spent.
		if err := s.ResetPassword(ctx, request, code, "abc"); !errs.Is(err, errs.Invalid) || errs.FieldsOf(err)[0].Field != "password" {
			t.Fatalf("weak password: %v", err)
		}
		if err := s.ResetPassword(ctx, request, code, "nouveau-Mot2passe"); err != nil {
			t.Fatalf("reset: %v", err)
		}
		if _, _, err := s.Authenticate(ctx, token); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("session survived the reset: %v", err)
		}
		if err := s.ResetPassword(ctx, request, code, "encore-Un2autre"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("code reused: %v", err)
		}
		if _, _, err := s.Login(ctx, "owner@example.fr", "nouveau-Mot2passe", 0); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
		log, _ := s.Activity(ctx, activity.Filter{Limit: 10})
		if log[1].Action != "password_reset" {
			t.Errorf("activity: %+v", log[1])
		}
	})
}

func TestPasswordResetAttemptsCapped(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		request, code := requestCode(t, s, srv, "owner@example.fr")
		for i := 0; i < identity.ResetMaxAttempts; i++ {
			wrong := "00000000"
			if wrong == code {
				wrong = "11111111"
			}
			if err := s.ResetPassword(ctx, request, wrong, "nouveau-Mot2passe"); !errs.Is(err, errs.Invalid) {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		if err := s.ResetPassword(ctx, request, code, "nouveau-Mot2passe"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("right code after %d wrong ones must fail: %v", identity.ResetMaxAttempts, err)
		}
	})
}

func TestPasswordResetExpiresAndIsRateLimited(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		start := time.Now()
		db.SetClock(func() time.Time { return start })
		request, code := requestCode(t, s, srv, "owner@example.fr")
		db.SetClock(func() time.Time { return start.Add(identity.ResetCodeLifetime) })
		if err := s.ResetPassword(ctx, request, code, "nouveau-Mot2passe"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("expired code: %v", err)
		}
		// Three requests per quarter of an hour; the fourth sends nothing
		// but answers the same.
		db.SetClock(func() time.Time { return start.Add(time.Minute) })
		for i := 0; i < 2; i++ {
			requestCode(t, s, srv, "owner@example.fr")
		}
		if _, err := s.RequestPasswordReset(ctx, "owner@example.fr", "fr"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d e-mails beyond the limit", n)
		}
	})
}

func TestLoginDelayGrowsAfterFailures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		start := time.Now()
		db.SetClock(func() time.Time { return start })
		for i := 0; i < 5; i++ {
			if _, _, err := s.Login(ctx, "owner@example.fr", "wrong", 0); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		// Now even the right password must wait.
		if _, _, err := s.Login(ctx, "owner@example.fr", "pass1234word", 0); !errs.Is(err, errs.TooManyRequests) {
			t.Fatalf("no delay after 5 failures: %v", err)
		}
		db.SetClock(func() time.Time { return start.Add(2 * time.Second) })
		if _, _, err := s.Login(ctx, "owner@example.fr", "pass1234word", 0); err != nil {
			t.Fatalf("after the delay: %v", err)
		}
		// Unknown addresses are throttled the same way: no tell.
		for i := 0; i < 5; i++ {
			_, _, _ = s.Login(ctx, "nobody@example.fr", "wrong", 0)
		}
		if _, _, err := s.Login(ctx, "nobody@example.fr", "wrong", 0); !errs.Is(err, errs.TooManyRequests) {
			t.Fatalf("unknown address not throttled: %v", err)
		}
		log, _ := s.Activity(ctx, activity.Filter{Limit: 20})
		failed := 0
		for _, e := range log {
			if e.Action == "login_failed" {
				failed++
			}
		}
		if failed != 5 {
			t.Errorf("%d failed logins in the activity log, want 5", failed)
		}
	})
}
