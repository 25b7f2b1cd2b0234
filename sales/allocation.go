package sales

import (
	"time"

	"github.com/comptoir/comptoir/money"
)

// Allocation is the part of a payment settled on one invoice, with what
// the invoice's page shows of the payment.
type Allocation struct {
	ID         int64        `json:"id"`
	PaymentID  int64        `json:"payment_id"`
	DocumentID int64        `json:"document_id"`
	Amount     money.Amount `json:"amount"`
	CreatedAt  time.Time    `json:"created_at"`
	Date       string       `json:"date"` // the payment's, YYYY-MM-DD
	Method     string       `json:"method"`
	Reference  string       `json:"reference"`
}
