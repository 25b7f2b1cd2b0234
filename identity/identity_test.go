package identity

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCheckEmail(t *testing.T) {
	for in, ok := range map[string]bool{
		" Jean.Dupont@Example.FR ": true,
		"a@b":                      false,
		"Jean <j@example.fr>":      false,
		"":                         false,
		"no-at.example.fr":         false,
	} {
		got, err := CheckEmail(in)
		if (err == nil) != ok {
			t.Errorf("CheckEmail(%q) = %q, %v", in, got, err)
		}
	}
	if got, _ := CheckEmail(" Jean.Dupont@Example.FR "); got != "jean.dupont@example.fr" {
		t.Errorf("not normalized: %q", got)
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, want := range map[string]string{
		"abc1234":                    "password_too_short",
		"abcdefgh":                   "password_needs_letters_and_digits",
		"12345678":                   "password_needs_letters_and_digits",
		"abcd1234":                   "password_too_weak",
		"une phrase de passe 2 fois": "",
		"été 2026 à Bayonne":         "",
		strings.Repeat("a1", 129):    "password_too_long",
		strings.Repeat("ab12", 16):   "",
	} {
		if got := CheckPassword(pw); got != want {
			t.Errorf("CheckPassword(%q) = %q, want %q", pw, got, want)
		}
	}
}

func TestSessionExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s := Session{CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(AbsoluteTimeout)}
	if s.Expired(now.Add(time.Hour)) {
		t.Error("expired while active")
	}
	if !s.Expired(now.Add(IdleTimeout)) {
		t.Error("idle session not expired")
	}
	s.LastSeenAt = now.Add(AbsoluteTimeout - time.Minute)
	if !s.Expired(now.Add(AbsoluteTimeout)) {
		t.Error("session past its absolute limit not expired")
	}
}

func TestTokens(t *testing.T) {
	a, _ := NewToken("cpt_")
	b, _ := NewToken("cpt_")
	if a == b || !strings.HasPrefix(a, "cpt_") || len(a) != 4+43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if HashToken(a) == HashToken(b) || len(HashToken(a)) != 64 {
		t.Fatal("hashes")
	}
}

func TestActorContext(t *testing.T) {
	if (ActorFrom(context.Background()) != Actor{}) {
		t.Fatal("empty context must give the system actor")
	}
	ctx := WithActor(context.Background(), Actor{UserID: 7})
	if ActorFrom(ctx).UserID != 7 {
		t.Fatal("actor lost")
	}
}
