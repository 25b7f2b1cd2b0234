// Package mail sends Comptoir's e-mail through an SMTP server and renders
// its messages from French and English templates. It is the only package
// that knows SMTP; the service layer calls it and records each delivery.
package mail

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail to send.
type Message struct {
	To          string
	ReplyTo     string // where answers go, when not to the sender
	Subject     string
	Text        string
	Attachments []Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string // e.g. "invite.ics"
	ContentType string // with its parameters, e.g. "text/calendar; charset=utf-8; method=REQUEST"
	Data        []byte
}

// Sender sends messages. SMTP implements it; a Sender must be safe for
// concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrNotConfigured is returned when no SMTP server is configured.
var ErrNotConfigured = errors.New("no SMTP server configured (COMPTOIR_SMTP_URL)")

// SMTP sends through one SMTP server.
type SMTP struct {
	host     string
	port     int
	user     string
	password string
	security string // "starttls" (default), "tls" (implicit, port 465) or "none"
	from     string
	timeout  time.Duration
}

// ParseURL reads smtp://user:password@host:port?security=starttls|tls|none.
// from is the sender address, e.g. "Comptoir <no-reply@example.fr>".
func ParseURL(raw, from string) (*SMTP, error) {
	if raw == "" {
		return nil, ErrNotConfigured
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP URL: want smtp://user:password@host:port")
	}
	s := &SMTP{host: u.Hostname(), security: "starttls", from: from, timeout: 15 * time.Second}
	if u.Scheme == "smtps" {
		s.security = "tls"
	}
	if v := u.Query().Get("security"); v != "" {
		if v != "starttls" && v != "tls" && v != "none" {
			return nil, fmt.Errorf("SMTP URL: security=%q: want starttls, tls or none", v)
		}
		s.security = v
	}
	s.port = map[string]int{"starttls": 587, "tls": 465, "none": 25}[s.security]
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP URL: bad port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	if _, err := netmail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("mail sender %q: want an address such as \"Comptoir <no-reply@example.fr>\"", from)
	}
	return s, nil
}

// Send delivers m, failing if the server does not accept it.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return fmt.Errorf("reply-to: %w", err)
		}
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return fmt.Errorf("attachment %s: %w", a.Name, err)
		}
	}
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.timeout)}
	switch s.security {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.password))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

//go:embed templates/*.txt
var templateFiles embed.FS

var templates = template.Must(template.New("").Option("missingkey=error").ParseFS(templateFiles, "templates/*.txt"))

// Render builds a message from the template name in lang ("fr" or "en",
// falling back to French). A template's first line is "Subject: …".
func Render(name, lang, to string, data any) (Message, error) {
	if lang != "en" {
		lang = "fr"
	}
	var b strings.Builder
	if err := templates.ExecuteTemplate(&b, name+"."+lang+".txt", data); err != nil {
		return Message{}, fmt.Errorf("mail template %s: %w", name, err)
	}
	subject, body, ok := strings.Cut(b.String(), "\n")
	subject, found := strings.CutPrefix(subject, "Subject: ")
	if !ok || !found {
		return Message{}, fmt.Errorf("mail template %s.%s: the first line must be \"Subject: …\"", name, lang)
	}
	return Message{To: to, Subject: strings.TrimSpace(subject), Text: strings.TrimLeft(body, "\n")}, nil
}

// LogSender is the mailer of an instance without an SMTP server: each
// message is written to the server's log, for the person running it (a
// first run on a laptop, a test instance) to read. Configure
// COMPTOIR_SMTP_URL for real delivery.
type LogSender struct {
	Log *slog.Logger
}

// Send writes m to the log.
func (l LogSender) Send(ctx context.Context, m Message) error {
	l.Log.WarnContext(ctx, "no SMTP server configured: e-mail written here instead of sent",
		"to", m.To, "subject", m.Subject, "text", m.Text, "attachments", len(m.Attachments))
	return nil
}
