package ical

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestEscapeText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Dégustation", "Dégustation"},
		{"12, rue des Lilas; Pau", `12\, rue des Lilas\; Pau`},
		{"line 1\nline 2\r\nline 3", `line 1\nline 2\nline 3`},
		{`C:\dossier`, `C:\\dossier`},
		{"bell\a tab\t", "bell tab\t"},
	} {
		if got := EscapeText(tc.in); got != tc.want {
			t.Errorf("EscapeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFold(t *testing.T) {
	long := "DESCRIPTION:" + strings.Repeat("é", 100)
	folded := Fold(long)
	for _, l := range strings.Split(strings.TrimSuffix(folded, "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) {
			t.Errorf("line of %d octets or cut inside a character: %q", len(l), l)
		}
	}
	if got := Unfold(folded); len(got) != 1 || got[0] != long {
		t.Errorf("Unfold(Fold(x)) = %q", got)
	}
	if Fold("SHORT:x") != "SHORT:x\r\n" {
		t.Error("a short line is not folded")
	}
}

func TestInvitation(t *testing.T) {
	start := time.Date(2026, 5, 4, 9, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	data := string(Invitation(Event{UID: "appointment-7.account-3@comptoir.example", Sequence: 2,
		Stamp: start.Add(-time.Hour), Start: start, End: start.Add(45 * time.Minute),
		Summary: "Dégustation, vins; fromages", Location: "https://visio.example/abc", URL: "https://visio.example/abc",
		Description: "Bring:\n- samples", Organizer: Person{Name: "Fromagerie: Alpha", Email: "owner@example.fr"},
		Attendee: Person{Name: `Hélène "Lena" Dupré`, Email: "helene@example.fr"}}))
	got := map[string]Property{}
	for _, p := range Properties(data) {
		got[p.Name] = p
	}
	for name, want := range map[string]string{"METHOD": "REQUEST", "UID": "appointment-7.account-3@comptoir.example",
		"DTSTART": "20260504T073000Z", "DTEND": "20260504T081500Z", "DTSTAMP": "20260504T063000Z",
		"SUMMARY": `Dégustation\, vins\; fromages`, "DESCRIPTION": `Bring:\n- samples`, "SEQUENCE": "2",
		"ORGANIZER": "mailto:owner@example.fr", "ATTENDEE": "mailto:helene@example.fr"} {
		if got[name].Value != want {
			t.Errorf("%s = %q, want %q", name, got[name].Value, want)
		}
	}
	if got["ORGANIZER"].Params != `CN="Fromagerie: Alpha"` || !strings.Contains(got["ATTENDEE"].Params, "CN=Hélène Lena Dupré") ||
		!strings.Contains(got["ATTENDEE"].Params, "RSVP=TRUE") {
		t.Errorf("parameters: %q / %q", got["ORGANIZER"].Params, got["ATTENDEE"].Params)
	}
	if UnescapeText(got["SUMMARY"].Value) != "Dégustation, vins; fromages" {
		t.Error("summary does not read back")
	}
	if !strings.HasSuffix(data, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(data, "\r\n", ""), "\n") {
		t.Error("lines must end with CRLF")
	}
}

// FuzzEscapeFold: escaped text never holds a line break or a control
// character and reads back; folded lines are at most 75 octets of whole
// characters and unfold to the original.
func FuzzEscapeFold(f *testing.F) {
	for _, s := range []string{"", "a,b;c\\d\ne", strings.Repeat("€", 40), "x\r\ny\rz\x00", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := EscapeText(s)
		if strings.ContainsFunc(esc, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f }) || !utf8.ValidString(esc) {
			t.Fatalf("EscapeText(%q) = %q holds a control character or invalid UTF-8", s, esc)
		}
		// Text of whole characters without control characters other than
		// line breaks and tabs reads back, line breaks as \n.
		if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f }) {
			want := strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
			if back := UnescapeText(esc); back != want {
				t.Fatalf("UnescapeText(EscapeText(%q)) = %q", s, back)
			}
		}
		line := "DESCRIPTION:" + esc
		folded := Fold(line)
		for _, l := range strings.Split(strings.TrimSuffix(folded, "\r\n"), "\r\n") {
			if len(l) > 75 || !utf8.ValidString(l) {
				t.Fatalf("folded line of %d octets: %q", len(l), l)
			}
		}
		if u := Unfold(folded); len(u) != 1 || u[0] != line {
			t.Fatalf("Unfold(Fold(%q)) = %q", line, u)
		}
	})
}
