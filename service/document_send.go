package service

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	comail "github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/sales"
)

// SendInput is the e-mail that carries a document, as the user edited it.
type SendInput struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// DocumentSent is what sending a document did.
type DocumentSent struct {
	Entry    crm.Conversation `json:"entry"` // the "document sent" entry on the client's timeline
	MailSent bool             `json:"mail_sent"`
}

// mailTemplates are the e-mails proposed for each kind, per language;
// {fields} are merged with sales.Merge, and the user edits the result.
var mailTemplates = map[string]map[string][2]string{
	"fr": {
		sales.Quote:         {"Devis {number} — {business}", "Bonjour,\n\nVeuillez trouver ci-joint notre devis {number} d'un montant de {amount} TTC, valable jusqu'au {valid_until}.\n\nNous restons à votre disposition pour toute question.\n\nBien cordialement,\n{business}"},
		sales.Order:         {"Confirmation de commande {number} — {business}", "Bonjour,\n\nNous vous confirmons votre commande {number} d'un montant de {amount} TTC, dont vous trouverez le détail ci-joint.\n\nBien cordialement,\n{business}"},
		sales.Delivery:      {"Bon de livraison {number} — {business}", "Bonjour,\n\nVeuillez trouver ci-joint le bon de livraison {number}.\n\nBien cordialement,\n{business}"},
		sales.Invoice:       {"Facture {number} — {business}", "Bonjour,\n\nVeuillez trouver ci-joint notre facture {number} d'un montant de {amount} TTC, à régler au plus tard le {due_date}.\n\nMerci de votre confiance.\n\nBien cordialement,\n{business}"},
		sales.Deposit:       {"Facture d'acompte {number} — {business}", "Bonjour,\n\nVeuillez trouver ci-joint notre facture d'acompte {number} d'un montant de {amount} TTC, à régler au plus tard le {due_date}.\n\nBien cordialement,\n{business}"},
		sales.Credit:        {"Avoir {number} — {business}", "Bonjour,\n\nVeuillez trouver ci-joint notre avoir {number} d'un montant de {amount} TTC.\n\nBien cordialement,\n{business}"},
		sales.PurchaseOrder: {"Bon de commande {number} — {business}", "Bonjour,\n\nVeuillez trouver ci-joint notre bon de commande {number} d'un montant de {net} HT.{expected}\n\nMerci de nous en confirmer la bonne réception et le délai de livraison.\n\nBien cordialement,\n{business}"},
		sales.Receipt:       {"Bon de réception {number} — {business}", "Bonjour,\n\nVeuillez trouver ci-joint notre bon de réception {number}, qui récapitule les quantités reçues.\n\nBien cordialement,\n{business}"},
	},
	"en": {
		sales.Quote:         {"Quote {number} — {business}", "Hello,\n\nPlease find attached our quote {number} for {amount} including VAT, valid until {valid_until}.\n\nWe remain at your disposal for any question.\n\nKind regards,\n{business}"},
		sales.Order:         {"Order confirmation {number} — {business}", "Hello,\n\nWe confirm your order {number} for {amount} including VAT; the details are attached.\n\nKind regards,\n{business}"},
		sales.Delivery:      {"Delivery note {number} — {business}", "Hello,\n\nPlease find attached delivery note {number}.\n\nKind regards,\n{business}"},
		sales.Invoice:       {"Invoice {number} — {business}", "Hello,\n\nPlease find attached our invoice {number} for {amount} including VAT, due by {due_date}.\n\nThank you for your business.\n\nKind regards,\n{business}"},
		sales.Deposit:       {"Deposit invoice {number} — {business}", "Hello,\n\nPlease find attached our deposit invoice {number} for {amount} including VAT, due by {due_date}.\n\nKind regards,\n{business}"},
		sales.Credit:        {"Credit note {number} — {business}", "Hello,\n\nPlease find attached our credit note {number} for {amount} including VAT.\n\nKind regards,\n{business}"},
		sales.PurchaseOrder: {"Purchase order {number} — {business}", "Hello,\n\nPlease find attached our purchase order {number} for {net} excluding VAT.{expected}\n\nPlease confirm that you received it and when it will be delivered.\n\nKind regards,\n{business}"},
		sales.Receipt:       {"Goods receipt {number} — {business}", "Hello,\n\nPlease find attached our goods receipt {number}, which lists the quantities received.\n\nKind regards,\n{business}"},
	},
}

// DocumentMail proposes the e-mail for a document, in its language, for
// the user to edit before sending.
func (s *Service) DocumentMail(ctx context.Context, id int64) (SendInput, error) {
	d, err := s.reachableDocument(ctx, id, access.Send, false)
	if err != nil {
		return SendInput{}, err
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return SendInput{}, err
	}
	to := d.Buyer.Email
	if c, err := s.db.Contact(ctx, d.ContactID); err == nil && to == "" {
		to = c.Email
	}
	t, ok := mailTemplates[d.Locale][d.Kind]
	if !ok {
		return SendInput{}, errs.E("service.DocumentMail", errs.Invalid, "a supplier's quote or bill is not sent from here: it came from the supplier")
	}
	values := map[string]string{"number": d.Number, "business": sellerName(acc), "client": d.Buyer.Name,
		"amount": d.GrossTotal.Format(d.Locale) + " €", "net": d.NetTotal.Format(d.Locale) + " €",
		"due_date": formatDate(d.DueDate, d.Locale), "valid_until": formatDate(d.ValidUntil, d.Locale), "expected": ""}
	if d.IsDraft() {
		// Sending a draft purchase order issues it: its number is merged
		// then, into what the user wrote.
		values["number"] = "{number}"
	}
	if d.Kind == sales.PurchaseOrder && d.DeliveryDate != "" {
		values["expected"] = " Livraison souhaitée le " + formatDate(d.DeliveryDate, d.Locale) + "."
		if d.Locale == "en" {
			values["expected"] = " We would like it delivered by " + formatDate(d.DeliveryDate, d.Locale) + "."
		}
	}
	return SendInput{To: to, Subject: sales.Merge(t[0], values), Body: sales.Merge(t[1], values)}, nil
}

// SendDocument e-mails an issued document with its PDF attached. The
// sending is a "document sent" entry on the client's timeline and in the
// activity log; the message leaves after the commit, and its delivery,
// failed or not, is in the delivery log.
func (s *Service) SendDocument(ctx context.Context, id int64, in SendInput) (DocumentSent, error) {
	const op = "service.SendDocument"
	var out DocumentSent
	in.To, in.Subject = strings.TrimSpace(in.To), strings.TrimSpace(in.Subject)
	var f errs.Fields
	if a, err := mail.ParseAddress(in.To); err != nil || a.Address != in.To {
		f.Add("to", "invalid_email", "the recipient is not a valid e-mail address")
	}
	if in.Subject == "" || utf8.RuneCountInString(in.Subject) > 200 || strings.ContainsAny(in.Subject, "\r\n") {
		f.Add("subject", "invalid_subject", "the subject is one line of 1 to 200 characters")
	}
	if utf8.RuneCountInString(in.Body) > 20000 {
		f.Add("body", "too_long", "the message has at most 20,000 characters")
	}
	if err := f.Err(op); err != nil {
		return out, err
	}
	var m comail.Message
	var accountID int64
	// A purchase order is issued by sending it: sending a draft issues it
	// first (its own transaction: the number stays if the e-mail fails).
	if head, err := reach(ctx, s.db.DocumentHead, id, access.Send); err != nil {
		return out, errs.Wrap(op, err)
	} else if head.Kind == sales.PurchaseOrder && head.IsDraft() {
		if _, err := s.Issue(ctx, id); err != nil {
			return out, err
		}
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		d, err := s.reachableDocument(ctx, id, access.Send, true)
		if err != nil {
			return err
		}
		if d.IsDraft() {
			return errs.E(op, errs.Conflict, "issue the document before sending it")
		}
		if sales.Recorded(d.Kind) {
			return errs.E(op, errs.Invalid, "a supplier's quote or bill is not sent from here: it came from the supplier")
		}
		if d.Kind == sales.PurchaseOrder && d.Status == sales.Cancelled {
			return errs.E(op, errs.Conflict, "the purchase order is cancelled: it is not sent again")
		}
		number := map[string]string{"number": d.Number}
		in.Subject, in.Body = sales.Merge(in.Subject, number), sales.Merge(in.Body, number)
		file, name, err := s.documentPDF(ctx, d)
		if err != nil {
			return err
		}
		acc, err := s.db.Account(ctx)
		if err != nil {
			return err
		}
		accountID = acc.ID
		m = comail.Message{To: in.To, ReplyTo: acc.Email, Subject: in.Subject, Text: in.Body,
			Attachments: []comail.Attachment{{Name: name, ContentType: "application/pdf", Data: file}}}
		now := s.db.Now(ctx)
		d.SentAt = &now
		if err := s.db.SaveState(ctx, &d); err != nil {
			return err
		}
		out.Entry = crm.Conversation{ContactID: d.ContactID, Kind: crm.Document, Subject: truncate(in.Subject, 200),
			Body: in.Body, At: now, AuthorID: identity.ActorFrom(ctx).UserID, DocumentID: d.ID}
		if err := s.db.CreateConversation(ctx, &out.Entry); err != nil {
			return err
		}
		e := documentEntry(d, "send", "")
		e.Changes = []activity.Change{{Field: "to", After: in.To}}
		return s.record(ctx, e)
	})
	if err != nil {
		return out, errs.Wrap(op, err)
	}
	status := "sent"
	if _, logged := s.Mailer.(comail.LogSender); logged {
		status = "logged"
	}
	out.MailSent = s.deliver(ctx, accountID, "document", m) == nil
	if !out.MailSent {
		status = "failed"
	}
	if err := s.db.SetMailStatus(ctx, id, in.To, status); err != nil {
		s.log.Error("document mail status", "document", id, "err", err)
	}
	return out, nil
}
