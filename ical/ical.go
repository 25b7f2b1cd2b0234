// Package ical writes iCalendar (RFC 5545) invitations: one event sent
// with METHOD:REQUEST, which mail programs show with accept and decline
// buttons. It escapes text values, folds lines at 75 octets without
// cutting a UTF-8 character, and reads back what it writes (for tests and
// to check a file). Standard library only.
package ical

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Person is an organizer or an attendee.
type Person struct {
	Name  string
	Email string
}

// Event is one appointment.
type Event struct {
	UID         string // stable for the appointment, so a new sending updates it
	Sequence    int    // grows each time the appointment changes
	Stamp       time.Time
	Start, End  time.Time
	Summary     string
	Location    string
	URL         string // a video-call link, when the place is one
	Description string
	Organizer   Person
	Attendee    Person
}

// Invitation returns the calendar object that invites e.Attendee to e.
func Invitation(e Event) []byte {
	var b strings.Builder
	line := func(name, value string) { b.WriteString(Fold(name + ":" + value)) }
	line("BEGIN", "VCALENDAR")
	line("PRODID", "-//Comptoir//Comptoir//FR")
	line("VERSION", "2.0")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "REQUEST")
	line("BEGIN", "VEVENT")
	line("UID", EscapeText(e.UID))
	line("SEQUENCE", strconv.Itoa(e.Sequence))
	line("DTSTAMP", utc(e.Stamp))
	line("DTSTART", utc(e.Start))
	line("DTEND", utc(e.End))
	line("SUMMARY", EscapeText(e.Summary))
	if e.Location != "" {
		line("LOCATION", EscapeText(e.Location))
	}
	if e.URL != "" {
		line("URL", e.URL)
	}
	if e.Description != "" {
		line("DESCRIPTION", EscapeText(e.Description))
	}
	line("ORGANIZER;CN="+paramValue(e.Organizer.Name), "mailto:"+e.Organizer.Email)
	line("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN="+paramValue(e.Attendee.Name), "mailto:"+e.Attendee.Email)
	line("STATUS", "CONFIRMED")
	line("TRANSP", "OPAQUE")
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	return []byte(b.String())
}

// utc writes a time in the UTC form, 19970714T173000Z.
func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// EscapeText escapes a TEXT value (RFC 5545 §3.3.11): backslash,
// semicolon and comma get a backslash, a line break becomes \n; other
// control characters are not allowed and are dropped.
func EscapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case (r < 0x20 && r != '\t') || r == 0x7f:
		default: // an invalid byte is written as U+FFFD
			b.WriteRune(r)
		}
	}
	return b.String()
}

// UnescapeText reverses EscapeText.
func UnescapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// paramValue quotes a parameter value (a name): it may not hold a double
// quote or a control character, and must be quoted when it holds ; : or ,.
func paramValue(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '"' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if strings.ContainsAny(s, ";:,") {
		return `"` + s + `"`
	}
	return s
}

// Fold ends a content line with CRLF, cutting it so that no line is longer
// than 75 octets; each continuation starts with a space (RFC 5545 §3.1).
// A cut never falls inside a UTF-8 character.
func Fold(line string) string {
	var b strings.Builder
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return b.String()
}

// Unfold splits a calendar object into its logical content lines.
func Unfold(data string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n") {
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(out) > 0 {
			out[len(out)-1] += l[1:]
			continue
		}
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Property is one content line read back: its name, parameters as
// written, and raw value.
type Property struct {
	Name   string
	Params string
	Value  string
}

// Properties reads the content lines of data, in order.
func Properties(data string) []Property {
	var out []Property
	for _, l := range Unfold(data) {
		head, value := splitLine(l)
		name, params, _ := strings.Cut(head, ";")
		out = append(out, Property{Name: strings.ToUpper(name), Params: params, Value: value})
	}
	return out
}

// splitLine cuts a content line at the first colon outside a quoted
// parameter value.
func splitLine(l string) (head, value string) {
	quoted := false
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return l[:i], l[i+1:]
			}
		}
	}
	return l, ""
}
