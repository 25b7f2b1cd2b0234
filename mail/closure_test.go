package mail_test

import (
	"strings"
	"testing"

	"github.com/comptoir/comptoir/mail"
)

// TestClosureTemplates renders each e-mail of an account's closure in both
// languages with the data the service gives it.
func TestClosureTemplates(t *testing.T) {
	for _, tc := range []struct {
		name string
		data map[string]any
		want []string
	}{
		{"closure_code", map[string]any{"Code": "12345678", "Account": "Atelier", "URL": "https://x.example/privacy/account", "Minutes": 15, "GraceDays": 30},
			[]string{"12345678", "https://x.example/privacy/account", "15", "30"}},
		{"account_closing", map[string]any{"Account": "Atelier", "Date": "25/12/2026", "URL": "https://x.example/privacy/account"},
			[]string{"25/12/2026", "https://x.example/privacy/account", "Atelier"}},
		{"account_reopened", map[string]any{"Account": "Atelier", "URL": "https://x.example/"}, []string{"Atelier"}},
		{"account_deleted", map[string]any{"Account": "Atelier", "Date": "25/12/2026", "Held": 3}, []string{"3", "25/12/2026"}},
		{"account_deleted", map[string]any{"Account": "Atelier", "Date": "25/12/2026", "Held": 0}, []string{"25/12/2026"}},
	} {
		for _, lang := range []string{"fr", "en"} {
			m, err := mail.Render(tc.name, lang, "a@example.fr", tc.data)
			if err != nil {
				t.Fatalf("%s/%s: %v", tc.name, lang, err)
			}
			all := m.Subject + "\n" + m.Text
			if m.Subject == "" || strings.Contains(all, "<no value>") {
				t.Errorf("%s/%s: %q", tc.name, lang, all)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("%s/%s lacks %q: %s", tc.name, lang, w, all)
				}
			}
		}
	}
}
