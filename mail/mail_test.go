package mail_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/mail/mailtest"
)

func TestRenderBothLanguages(t *testing.T) {
	data := map[string]any{"Code": "12345678", "Email": "a@example.fr", "URL": "https://c.example.fr/password/reset", "Minutes": 10}
	for _, lang := range []string{"fr", "en", "de"} {
		m, err := mail.Render("reset_code", lang, "a@example.fr", data)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Subject, "12345678") || !strings.Contains(m.Text, "https://c.example.fr/password/reset") || strings.HasPrefix(m.Text, "\n") {
			t.Errorf("%s: %+v", lang, m)
		}
	}
	if _, err := mail.Render("reset_code", "fr", "a@example.fr", map[string]any{}); err == nil {
		t.Error("missing data must fail, not send a message with holes")
	}
}

// TestSendThroughSMTP delivers a message to a real SMTP server on loopback.
func TestSendThroughSMTP(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.ParseURL(srv.URL(), "Comptoir <no-reply@example.fr>")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), mail.Message{To: "élodie@example.fr", Subject: "Code : 123 €", Text: "Bonjour,\nvotre code : 123"}); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "élodie@example.fr")
	if got.From != "no-reply@example.fr" || !strings.Contains(got.Subject, "Code : 123 €") || !strings.Contains(got.Text, "votre code : 123") {
		t.Fatalf("received %+v", got)
	}
}

func TestLogSender(t *testing.T) {
	var b strings.Builder
	s := mail.LogSender{Log: slog.New(slog.NewTextHandler(&b, nil))}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.fr", Subject: "Code : 12345678", Text: "votre code"}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "a@example.fr") || !strings.Contains(out, "12345678") || !strings.Contains(out, "votre code") {
		t.Fatalf("log: %s", out)
	}
}

// TestSendAttachment: a text/calendar attachment keeps its type and
// parameters, its name and its bytes; Reply-To is set.
func TestSendAttachment(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.ParseURL(srv.URL(), "Comptoir <no-reply@example.fr>")
	if err != nil {
		t.Fatal(err)
	}
	ics := "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Dégustation\\, vins\r\nEND:VCALENDAR\r\n"
	m := mail.Message{To: "helene@example.fr", ReplyTo: "owner@example.fr", Subject: "Invitation", Text: "Bonjour",
		Attachments: []mail.Attachment{{Name: "invite.ics", ContentType: "text/calendar; charset=utf-8; method=REQUEST", Data: []byte(ics)}}}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "helene@example.fr")
	if got.Text != "Bonjour" || got.Header.Get("Reply-To") != "<owner@example.fr>" {
		t.Errorf("text %q, reply-to %q", got.Text, got.Header.Get("Reply-To"))
	}
	var found bool
	for _, p := range got.Parts {
		if p.Filename == "invite.ics" {
			found = true
			if !strings.HasPrefix(p.ContentType, "text/calendar; charset=utf-8; method=REQUEST") || string(p.Body) != ics {
				t.Errorf("attachment %q: %q", p.ContentType, p.Body)
			}
		}
	}
	if !found {
		t.Fatalf("no invite.ics in %d parts", len(got.Parts))
	}
}
