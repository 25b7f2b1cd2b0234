package mail

import (
	"errors"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		url, from string
		want      SMTP
		err       string
	}{
		{"smtp://u:p@mail.example.fr", "Comptoir <no-reply@example.fr>", SMTP{host: "mail.example.fr", port: 587, user: "u", password: "p", security: "starttls"}, ""},
		{"smtps://mail.example.fr", "a@example.fr", SMTP{host: "mail.example.fr", port: 465, security: "tls"}, ""},
		{"smtp://127.0.0.1:2525?security=none", "a@example.fr", SMTP{host: "127.0.0.1", port: 2525, security: "none"}, ""},
		{"", "a@example.fr", SMTP{}, "no SMTP server configured"},
		{"http://x", "a@example.fr", SMTP{}, "want smtp://"},
		{"smtp://x?security=maybe", "a@example.fr", SMTP{}, "want starttls, tls or none"},
		{"smtp://x", "not an address", SMTP{}, "mail sender"},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.url, tt.from)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.url, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if got.host != tt.want.host || got.port != tt.want.port || got.user != tt.want.user || got.password != tt.want.password || got.security != tt.want.security {
			t.Errorf("%s: %+v, want %+v", tt.url, *got, tt.want)
		}
	}
	if _, err := ParseURL("", ""); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("empty URL: %v", err)
	}
}
