package sales

import (
	"slices"
	"strings"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
)

// Payment methods.
var Methods = []string{"transfer", "card", "cheque", "cash", "direct_debit"}

// Directions of a payment.
const (
	In  = "in"  // received from a client
	Out = "out" // made to a supplier
)

// Payment is money received from a client, or paid to a supplier. It is
// allocated to one or more invoices (bills); what is not allocated stays
// as the client's credit (an advance to the supplier).
type Payment struct {
	ID          int64        `json:"id"`
	Direction   string       `json:"direction"` // in or out
	ContactID   int64        `json:"contact_id"`
	Date        string       `json:"date"` // YYYY-MM-DD
	Amount      money.Amount `json:"amount"`
	Method      string       `json:"method"`
	Reference   string       `json:"reference"`
	Note        string       `json:"note"`
	Allocated   money.Amount `json:"allocated"` // to invoices
	CreatedAt   time.Time    `json:"created_at"`
	ContactName string       `json:"contact_name,omitempty"`
}

// Credit is what the payment leaves for later invoices.
func (p Payment) Credit() money.Amount { return p.Amount - p.Allocated }

// Validate checks a payment.
func (p *Payment) Validate() error {
	var f errs.Fields
	if p.ContactID == 0 {
		f.Add("contact_id", "required", "a payment comes from a client or goes to a supplier")
	}
	if _, err := time.Parse(time.DateOnly, p.Date); err != nil {
		f.Add("date", "invalid_date", "the date is written YYYY-MM-DD")
	}
	switch {
	case p.Amount <= 0:
		f.Add("amount", "not_positive", "the amount must be above zero")
	case p.Amount > MaxTotal:
		f.Add("amount", "too_large", "the amount is beyond 1,000,000,000.00")
	}
	if !slices.Contains(Methods, p.Method) {
		f.Add("method", "invalid_method", "the method is transfer, card, cheque, cash or direct_debit")
	}
	p.Reference = strings.TrimSpace(p.Reference)
	tooLong(&f, "reference", p.Reference, 100)
	tooLong(&f, "note", p.Note, 1000)
	return f.Err("sales.Payment.Validate")
}

// Reminder is one unpaid-invoice reminder sent, or prepared to send.
type Reminder struct {
	ID         int64        `json:"id"`
	DocumentID int64        `json:"document_id"`
	Level      int          `json:"level"`
	Channel    string       `json:"channel"`
	Tone       string       `json:"tone"`
	Balance    money.Amount `json:"balance"`   // left to pay when sent
	Penalties  money.Amount `json:"penalties"` // late penalties computed for a formal notice
	Indemnity  money.Amount `json:"indemnity"` // the fixed €40 for a business client
	SentAt     time.Time    `json:"sent_at"`
	SentBy     int64        `json:"sent_by"` // 0 for the daily job
	MailStatus string       `json:"mail_status"`
	Number     string       `json:"number,omitempty"` // the invoice's, for lists
}
