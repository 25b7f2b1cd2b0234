package service

import (
	"context"
	"time"

	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/storage"
)

// mailTimeout bounds one delivery to the SMTP server.
const mailTimeout = 20 * time.Second

// sendMail renders a template, sends it and records the attempt in the
// delivery log (accountID 0 for mail that belongs to no account). It runs
// after the transaction that decided to send, never inside it: a slow SMTP
// server must not hold the database.
func (s *Service) sendMail(ctx context.Context, accountID int64, to, template, lang string, data any) error {
	m, err := mail.Render(template, lang, to, data)
	if err != nil {
		return err
	}
	return s.deliver(ctx, accountID, template, m)
}

// deliver sends a rendered message and records the attempt in the delivery
// log, under the name of its template.
func (s *Service) deliver(ctx context.Context, accountID int64, template string, m mail.Message) error {
	to := m.To
	var err error
	entry := storage.MailLogEntry{AccountID: accountID, To: to, Template: template, Subject: m.Subject, Status: "sent"}
	if _, logged := s.Mailer.(mail.LogSender); logged {
		entry.Status = "logged"
	}
	if s.Mailer == nil {
		err = mail.ErrNotConfigured
	} else {
		sendCtx, cancel := context.WithTimeout(ctx, mailTimeout)
		err = s.Mailer.Send(sendCtx, m)
		cancel()
	}
	if err != nil {
		entry.Status, entry.Error = "failed", err.Error()
		s.log.Warn("e-mail not sent", "to", to, "template", template, "err", err)
	}
	if lerr := s.db.LogMail(ctx, &entry); lerr != nil {
		s.log.Error("mail log", "err", lerr)
	}
	return err
}
