package service

import (
	"context"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
)

// ReminderPDFFunc renders the formal notice sent with a reminder whose
// level is a letter.
type ReminderPDFFunc func(ctx context.Context, d sales.Document, r sales.Reminder, acc account.Account) ([]byte, error)

// DueReminder is an overdue invoice and the reminder level it should
// receive now.
type DueReminder struct {
	Document    sales.Document `json:"document"` // without its lines
	OverdueDays int            `json:"overdue_days"`
	Level       int            `json:"level"` // 1-based, in the account's sales settings
	Step        sales.Level    `json:"step"`
	Email       string         `json:"email"` // where it goes; empty when the client has no address
}

// overdueDays is how many days after due (YYYY-MM-DD) today is.
func overdueDays(due, today string) int {
	d, err1 := time.Parse(time.DateOnly, due)
	t, err2 := time.Parse(time.DateOnly, today)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(t.Sub(d).Hours() / 24)
}

// recipient is the buyer's address as printed on the invoice, else the
// client's.
func recipient(d sales.Document, contactEmail string) string {
	if d.Buyer.Email != "" {
		return d.Buyer.Email
	}
	return contactEmail
}

// dueReminders lists the account's overdue invoices whose next level is due.
func (s *Service) dueReminders(ctx context.Context, acc account.Account, st sales.Settings) ([]DueReminder, error) {
	today, _ := s.today(ctx, acc)
	list, err := s.db.OverdueInvoices(ctx, today)
	if err != nil {
		return nil, err
	}
	out := []DueReminder{}
	for _, o := range list {
		days := overdueDays(o.Document.DueDate, today)
		var last *time.Time
		if o.Document.DunningLevel > 0 {
			if last, err = s.db.LastReminder(ctx, o.Document.ID); err != nil {
				return nil, err
			}
		}
		level := st.DueLevel(days, o.Document.DunningLevel, s.daysSince(last, acc))
		if level == 0 {
			continue
		}
		out = append(out, DueReminder{Document: o.Document, OverdueDays: days, Level: level, Step: st.Dunning[level-1],
			Email: recipient(o.Document, o.ContactEmail)})
	}
	return out, nil
}

// DueReminders lists the current account's overdue invoices (issued or
// partly paid, due before today in the account's time zone, something
// left to pay, reminders paused neither on the invoice nor on the client)
// with the reminder level due now; invoices whose level was already sent
// are left out. A role whose Sales rights are limited to its own records
// sees only the invoices its user created.
func (s *Service) DueReminders(ctx context.Context) ([]DueReminder, error) {
	const op = "service.DueReminders"
	if err := access.Require(ctx, access.Sales, access.View); err != nil {
		return nil, err
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return nil, errs.Wrap(op, err)
	}
	st, err := s.db.SalesSettings(ctx)
	if err != nil {
		return nil, errs.Wrap(op, err)
	}
	out, err := s.dueReminders(ctx, acc, st)
	if err != nil {
		return nil, errs.Wrap(op, err)
	}
	if access.From(ctx).ScopeOf(access.Sales) == access.Own {
		user := identity.ActorFrom(ctx).UserID
		own := out[:0]
		for _, r := range out {
			if r.Document.CreatedBy == user {
				own = append(own, r)
			}
		}
		out = own
	}
	return out, nil
}

// SendReminder sends a reminder level of an overdue invoice by hand. Each
// level is sent at most once: asking again is a conflict, as is asking for
// an invoice not yet due or with nothing left to pay.
func (s *Service) SendReminder(ctx context.Context, documentID int64, level int) (sales.Reminder, error) {
	const op = "service.SendReminder"
	if err := access.Require(ctx, access.Sales, access.Send); err != nil {
		return sales.Reminder{}, err
	}
	r, claimed, err := s.remind(ctx, documentID, level, false)
	if err == nil && !claimed {
		err = errs.E(op, errs.Conflict, "this reminder level was already sent for the invoice")
	}
	return r, errs.Wrap(op, err)
}

// RunDunning sends, in every account whose sales settings have automatic
// reminders, the reminder level due on each overdue invoice. Only the
// system runs it, daily. Several instances may run it at once: a level is
// claimed in the transaction that records it, so it is sent once. It
// returns how many reminders were claimed.
func (s *Service) RunDunning(ctx context.Context) (int, error) {
	const op = "service.RunDunning"
	if !access.IsSystem(ctx) {
		return 0, errs.E(op, errs.Forbidden, "runs as the system")
	}
	accounts, err := s.db.ListAccounts(ctx)
	if err != nil {
		return 0, errs.Wrap(op, err)
	}
	total := 0
	var firstErr error
	for _, a := range accounts {
		if a.Status != account.StatusActive {
			continue
		}
		if full, err := s.db.Account(account.WithID(ctx, a.ID)); err == nil && full.Closing() {
			continue // its owner closed it: nothing more goes out in its name
		}
		n, err := s.dunAccount(account.WithID(ctx, a.ID))
		total += n
		if err != nil {
			// One account's trouble must not stop the others' reminders.
			s.log.Error("dunning", "account", a.ID, "err", err)
			if firstErr == nil {
				firstErr = errs.Wrap(op, err)
			}
		}
	}
	return total, firstErr
}

func (s *Service) dunAccount(ctx context.Context) (int, error) {
	st, err := s.db.SalesSettings(ctx)
	if err != nil || !st.AutoDunning || len(st.Dunning) == 0 {
		return 0, err
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return 0, err
	}
	due, err := s.dueReminders(ctx, acc, st)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		_, claimed, err := s.remind(ctx, d.Document.ID, d.Level, true)
		if err != nil {
			return n, err
		}
		if claimed {
			n++
		}
	}
	return n, nil
}

// remind claims a reminder level of an invoice and sends it after the
// commit. auto is the daily job: it claims the level only if it is still
// the one due (another instance may have sent it, the client may have
// paid, reminders may have been paused since the list was made). It
// reports whether the level was claimed.
func (s *Service) remind(ctx context.Context, documentID int64, level int, auto bool) (sales.Reminder, bool, error) {
	const op = "service.remind"
	var (
		r       sales.Reminder
		d       sales.Document
		acc     account.Account
		m       mail.Message
		claimed bool
	)
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if auto {
			d, err = s.db.DocumentForUpdate(ctx, documentID)
		} else {
			d, err = s.reachableDocument(ctx, documentID, access.Send, true)
		}
		if err != nil {
			return err
		}
		if acc, err = s.db.Account(ctx); err != nil {
			return err
		}
		st, err := s.db.SalesSettings(ctx)
		if err != nil {
			return err
		}
		today, _ := s.today(ctx, acc)
		days := overdueDays(d.DueDate, today)
		contactPaused, err := s.db.ContactDunningPaused(ctx, d.ContactID)
		if err != nil {
			return err
		}
		unpaid := sales.Receivable(d.Kind) && (d.Status == sales.Issued || d.Status == sales.PartlyPaid) && d.Balance() > 0
		if auto {
			last, err := s.db.LastReminder(ctx, d.ID)
			if err != nil {
				return err
			}
			if !unpaid || d.DunningPaused || contactPaused || d.DueDate == "" || d.DueDate >= today ||
				st.DueLevel(days, d.DunningLevel, s.daysSince(last, acc)) != level {
				return nil
			}
		} else {
			if !unpaid {
				return errs.E(op, errs.Conflict, "only an issued invoice with something left to pay gets a reminder")
			}
			if d.DueDate == "" {
				return errs.E(op, errs.Conflict, "the invoice "+d.Number+" has no due date: it cannot be overdue")
			}
			if d.DueDate >= today {
				return errs.E(op, errs.Conflict, "the invoice "+d.Number+" is not overdue: it is due on "+d.DueDate)
			}
			if level < 1 || level > len(st.Dunning) {
				return &errs.Error{Op: op, Kind: errs.Invalid, Message: "no such reminder level",
					Fields: []errs.FieldError{{Field: "level", Code: "out_of_range", Message: "the level is 1 to " + strconv.Itoa(len(st.Dunning))}}}
			}
		}
		step := st.Dunning[level-1]
		r = sales.Reminder{DocumentID: d.ID, Level: level, Channel: step.Channel, Tone: step.Tone, Balance: d.Balance(),
			SentBy: identity.ActorFrom(ctx).UserID, Number: d.Number}
		// Late-payment penalties and the fixed recovery indemnity (Code de
		// commerce L441-10, D441-5) are owed between businesses only: a
		// consumer's formal notice claims what is left to pay.
		if step.Channel == "letter" && d.Buyer.Business {
			r.Penalties = sales.Penalties(r.Balance, st.LatePenaltyRate, days)
			r.Indemnity = sales.Indemnity
		}
		to := d.Buyer.Email
		if to == "" {
			c, err := s.db.Contact(ctx, d.ContactID)
			if err != nil {
				return err
			}
			to = c.Email
		}
		if to == "" {
			r.MailStatus = "no_email"
		} else {
			r.MailStatus = "pending"
		}
		if claimed, err = s.db.ClaimReminder(ctx, &r); err != nil || !claimed {
			return err
		}
		d.DunningLevel = max(d.DunningLevel, level)
		m = reminderMail(d, r, acc, st, max(days, 0), to)
		summary := d.Number + " — " + strconv.Itoa(level) + " — " + d.Buyer.Name
		if to != "" {
			entry := crm.Conversation{ContactID: d.ContactID, Kind: crm.Document, Subject: truncate(m.Subject, 200),
				Body: truncate(m.Text, 20000), At: r.SentAt, AuthorID: r.SentBy, DocumentID: d.ID}
			if err := s.db.CreateConversation(ctx, &entry); err != nil {
				return err
			}
		} else {
			summary += " — no e-mail address"
		}
		e := documentEntry(d, "remind", summary)
		e.Changes = []activity.Change{{Field: "dunning_level", Before: strconv.Itoa(level - 1), After: strconv.Itoa(level)},
			{Field: "balance", After: r.Balance.String()}, {Field: "channel", After: r.Channel}, {Field: "email", After: to}}
		if r.Penalties > 0 || r.Indemnity > 0 {
			e.Changes = append(e.Changes, activity.Change{Field: "penalties", After: r.Penalties.String()},
				activity.Change{Field: "indemnity", After: r.Indemnity.String()})
		}
		return s.record(ctx, e)
	})
	if err != nil || !claimed || r.MailStatus == "no_email" {
		return r, claimed, errs.Wrap(op, err)
	}
	// After the commit: the level is ours, whatever the SMTP server does.
	if r.Channel == "letter" && s.ReminderPDF != nil {
		pdf, err := s.ReminderPDF(ctx, d, r, acc)
		if err != nil {
			// The text states everything the notice does; send it anyway.
			s.log.Error("formal notice PDF", "account", acc.ID, "document", d.ID, "err", err)
		} else {
			m.Attachments = append(m.Attachments, mail.Attachment{Name: reminderFileName(d), ContentType: "application/pdf", Data: pdf})
		}
	}
	r.MailStatus = "sent"
	if _, logged := s.Mailer.(mail.LogSender); logged {
		r.MailStatus = "logged"
	}
	if err := s.deliver(ctx, acc.ID, "dunning", m); err != nil {
		r.MailStatus = "failed"
	}
	if err := s.db.SetReminderMailStatus(ctx, r.ID, r.MailStatus); err != nil {
		s.log.Error("reminder mail status", "account", acc.ID, "reminder", r.ID, "err", err)
	}
	return r, true, nil
}

func reminderFileName(d sales.Document) string {
	if d.Locale == "en" {
		return "formal-notice-" + d.Number + ".pdf"
	}
	return "mise-en-demeure-" + d.Number + ".pdf"
}

// PauseDunning stops or resumes the reminders of one invoice.
func (s *Service) PauseDunning(ctx context.Context, documentID int64, paused bool) (sales.Document, error) {
	const op = "service.PauseDunning"
	var d sales.Document
	if err := access.Require(ctx, access.Sales, access.Edit); err != nil {
		return d, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if d, err = s.reachableDocument(ctx, documentID, access.Edit, true); err != nil {
			return err
		}
		if !sales.Receivable(d.Kind) || d.IsDraft() {
			return errs.E(op, errs.Invalid, "reminders are paused on an issued invoice")
		}
		if d.DunningPaused == paused {
			return nil
		}
		d.DunningPaused = paused
		if err := s.db.SaveState(ctx, &d); err != nil {
			return err
		}
		e := documentEntry(d, pauseAction(paused), "")
		e.Changes = []activity.Change{{Field: "dunning_paused", Before: strconv.FormatBool(!paused), After: strconv.FormatBool(paused)}}
		return s.record(ctx, e)
	})
	return d, errs.Wrap(op, err)
}

func pauseAction(paused bool) string {
	if paused {
		return "pause_dunning"
	}
	return "resume_dunning"
}

// PauseClientDunning stops or resumes the reminders of every invoice of a
// client (a payment plan agreed, a dispute).
func (s *Service) PauseClientDunning(ctx context.Context, contactID int64, paused bool) error {
	const op = "service.PauseClientDunning"
	if err := access.Require(ctx, access.Sales, access.Edit); err != nil {
		return err
	}
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.reachable(ctx, contactID)
		if err != nil {
			return err
		}
		before, err := s.db.ContactDunningPaused(ctx, contactID)
		if err != nil || before == paused {
			return err
		}
		if err := s.db.SetContactDunningPaused(ctx, contactID, paused); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Sales), Action: pauseAction(paused), RecordType: "contact",
			RecordID: c.ID, Summary: c.DisplayName(),
			Changes: []activity.Change{{Field: "dunning_paused", Before: strconv.FormatBool(before), After: strconv.FormatBool(paused)}}})
	}))
}

// ClientDunningPaused reports whether a client's reminders are paused.
func (s *Service) ClientDunningPaused(ctx context.Context, contactID int64) (bool, error) {
	if err := access.Require(ctx, access.Sales, access.View); err != nil {
		return false, err
	}
	return s.db.ContactDunningPaused(ctx, contactID)
}

// Reminders lists the reminders sent for an invoice, by level.
func (s *Service) Reminders(ctx context.Context, documentID int64) ([]sales.Reminder, error) {
	if _, err := s.reachableDocument(ctx, documentID, access.View, false); err != nil {
		return nil, err
	}
	return s.db.RemindersOf(ctx, documentID)
}

// reminderText is one tone's wording in one language.
type reminderText struct{ subject, body, closing string }

var reminderTexts = map[string]map[string]reminderText{
	"fr": {
		"friendly": {
			subject: "Rappel : facture {number} échue",
			body: "Bonjour {client},\n\nSauf erreur de notre part, la facture {number}, arrivée à échéance le {due_date}, " +
				"n'est pas encore réglée : il reste {amount} à payer ({days} jours de retard).\n\n" +
				"Il s'agit sans doute d'un oubli ; merci de procéder au règlement dès que possible. " +
				"Si votre paiement est déjà parti, ne tenez pas compte de ce message.",
			closing: "Cordialement,\n{business}",
		},
		"firm": {
			subject: "Deuxième relance : facture {number} impayée",
			body: "Bonjour {client},\n\nMalgré notre précédent rappel, la facture {number}, échue le {due_date}, " +
				"n'est toujours pas réglée. Le montant restant dû est de {amount}, avec {days} jours de retard.\n\n" +
				"Nous vous demandons de régler cette somme sous huit jours. En cas de difficulté, contactez-nous sans attendre.",
			closing: "Cordialement,\n{business}",
		},
		"formal": {
			subject: "Mise en demeure de payer : facture {number}",
			body: "{client},\n\nMalgré nos relances, la facture {number}, échue le {due_date}, reste impayée à ce jour " +
				"pour un montant de {amount}, soit {days} jours de retard.\n\n" +
				"Par la présente, nous vous mettons en demeure de régler cette somme sous huit jours. " +
				"À défaut, nous engagerons sans autre avis une procédure de recouvrement.",
			closing: "{business}",
		},
	},
	"en": {
		"friendly": {
			subject: "Reminder: invoice {number} is due",
			body: "Hello {client},\n\nUnless we are mistaken, invoice {number}, due on {due_date}, has not been paid yet: " +
				"{amount} remains to be paid ({days} days late).\n\n" +
				"This is probably an oversight; please arrange payment as soon as possible. " +
				"If your payment is already on its way, please disregard this message.",
			closing: "Kind regards,\n{business}",
		},
		"firm": {
			subject: "Second reminder: invoice {number} unpaid",
			body: "Hello {client},\n\nDespite our previous reminder, invoice {number}, due on {due_date}, is still unpaid. " +
				"The amount outstanding is {amount}, now {days} days late.\n\n" +
				"Please settle this amount within eight days. If there is any difficulty, contact us without delay.",
			closing: "Regards,\n{business}",
		},
		"formal": {
			subject: "Formal notice to pay: invoice {number}",
			body: "{client},\n\nDespite our reminders, invoice {number}, due on {due_date}, remains unpaid " +
				"for an amount of {amount}, {days} days late.\n\n" +
				"We hereby give you formal notice to pay this amount within eight days. " +
				"Failing that, we will start recovery proceedings without further notice.",
			closing: "{business}",
		},
	},
}

// noticeTexts state the penalties and the indemnity of a formal notice.
var noticeTexts = map[string][3]string{
	"fr": {
		"Des pénalités de retard au taux annuel de {rate} % sont dues sur le montant impayé : {penalties} à ce jour ({days} jours).",
		"S'y ajoute l'indemnité forfaitaire pour frais de recouvrement de {indemnity} due par tout professionnel en retard de paiement (art. L441-10 et D441-5 du Code de commerce).",
		"Total réclamé : {total}.",
	},
	"en": {
		"Late-payment penalties at a yearly rate of {rate}% are due on the unpaid amount: {penalties} to date ({days} days).",
		"In addition, the fixed recovery indemnity of {indemnity} is due by any business paying late (art. L441-10 and D441-5 of the French Commercial Code).",
		"Total claimed: {total}.",
	},
}

// formatMoney writes an amount with its currency in a locale.
func formatMoney(a money.Amount, currency, locale string) string {
	sym := currency
	if currency == "EUR" || currency == "" {
		sym = "€"
	}
	if locale == "en" {
		return sym + a.Format("en")
	}
	return a.Format("fr") + "\u00a0" + sym
}

// formatDate writes a YYYY-MM-DD date as a letter does.
func formatDate(date, locale string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	if locale == "en" {
		return t.Format("2 January 2006")
	}
	return t.Format("02/01/2006")
}

// reminderMail words a reminder in the invoice's language and tone.
func reminderMail(d sales.Document, r sales.Reminder, acc account.Account, st sales.Settings, days int, to string) mail.Message {
	lang := d.Locale
	if lang != "en" {
		lang = "fr"
	}
	texts := reminderTexts[lang]
	t, ok := texts[r.Tone]
	if !ok {
		t = texts["friendly"]
	}
	values := map[string]string{
		"client": d.Buyer.Name, "number": d.Number, "amount": formatMoney(r.Balance, d.Currency, lang),
		"due_date": formatDate(d.DueDate, lang), "days": strconv.Itoa(days), "business": acc.Name,
		"rate":      st.LatePenaltyRate.Format(lang),
		"penalties": formatMoney(r.Penalties, d.Currency, lang), "indemnity": formatMoney(r.Indemnity, d.Currency, lang),
		"total": formatMoney(r.Balance+r.Penalties+r.Indemnity, d.Currency, lang),
	}
	body := sales.Merge(t.body, values)
	// The penalties and the indemnity are stated only when claimed: a
	// consumer owes neither.
	if r.Channel == "letter" && (r.Penalties > 0 || r.Indemnity > 0) {
		notice := noticeTexts[lang]
		body += "\n\n" + sales.Merge(notice[0], values)
		if r.Indemnity > 0 {
			body += " " + sales.Merge(notice[1], values)
		}
		body += " " + sales.Merge(notice[2], values)
	}
	body += "\n\n" + sales.Merge(t.closing, values) + "\n"
	return mail.Message{To: to, ReplyTo: acc.Email, Subject: sales.Merge(t.subject, values), Text: body}
}

// daysSince counts the days from a reminder to today in the account's
// time zone; with no reminder, a long time.
func (s *Service) daysSince(at *time.Time, acc account.Account) int {
	if at == nil {
		return 1 << 20
	}
	today, _ := s.today(context.Background(), acc)
	return sales.DaysBetween(at.In(acc.Location()).Format(time.DateOnly), today)
}
