// Package mailtest runs a real SMTP server on loopback for tests
// (github.com/emersion/go-smtp) and decodes what it receives, so that
// e-mail is tested end to end through the SMTP protocol, not a mock.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one message the server accepted.
type Received struct {
	From    string
	To      []string
	Subject string
	Header  netmail.Header
	Text    string // the first text/plain part, decoded, with \n line ends
	Parts   []Part // every leaf part of a multipart message
	Raw     []byte
}

// Part is one decoded leaf part of a multipart message.
type Part struct {
	ContentType string // as sent, with its parameters
	Filename    string
	Body        []byte // decoded, line ends as sent
}

// Server is an SMTP server on 127.0.0.1 that keeps every message.
type Server struct {
	addr string
	mu   sync.Mutex
	msgs []Received
	// Reject makes the server refuse every message (to test failures).
	Reject bool
}

// Start starts a server, stopped when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return s
}

// URL is the COMPTOIR_SMTP_URL of the server.
func (s *Server) URL() string { return "smtp://" + s.addr + "?security=none" }

// Messages returns what has been received so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor waits up to 10 seconds for the next message to rcpt that has
// not been taken yet, and takes it.
func (s *Server) WaitFor(tb testing.TB, rcpt string) Received {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		for i, m := range s.msgs {
			for _, to := range m.To {
				if strings.EqualFold(to, rcpt) {
					s.msgs = append(s.msgs[:i], s.msgs[i+1:]...)
					s.mu.Unlock()
					return m
				}
			}
		}
		s.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("no e-mail to %s within 10 s", rcpt)
	return Received{}
}

type session struct {
	srv  *Server
	from string
	to   []string
}

func (s *session) AuthPlain(string, string) error { return nil }
func (s *session) Reset()                         { s.from, s.to = "", nil }
func (s *session) Logout() error                  { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	if s.srv.Reject {
		return &smtp.SMTPError{Code: 554, Message: "rejected for the test"}
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Received{From: s.from, To: s.to, Raw: raw}
	if msg, err := netmail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = msg.Header
		m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		m.Parts = readParts(textproto.MIMEHeader(msg.Header), msg.Body)
		for _, p := range m.Parts {
			if strings.HasPrefix(p.ContentType, "text/plain") && p.Filename == "" {
				m.Text = strings.ReplaceAll(string(p.Body), "\r\n", "\n")
				break
			}
		}
	}
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, m)
	s.srv.mu.Unlock()
	return nil
}

// readParts decodes a body into its leaf parts, descending into multiparts.
func readParts(h textproto.MIMEHeader, body io.Reader) []Part {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	media, params, _ := mime.ParseMediaType(ct)
	if strings.HasPrefix(media, "multipart/") {
		var parts []Part
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return parts
			}
			parts = append(parts, readParts(p.Header, p)...)
		}
	}
	raw, _ := io.ReadAll(body)
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		raw, _ = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
	case "base64":
		raw, _ = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
	}
	_, dp, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	return []Part{{ContentType: ct, Filename: dp["filename"], Body: raw}}
}
