package account

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/iban"
)

// BankAccount is one of the business's own bank accounts, whose details are
// printed on invoices so that clients can pay by transfer.
type BankAccount struct {
	ID        int64     `json:"id"`
	Label     string    `json:"label"`
	Holder    string    `json:"holder"`
	IBAN      string    `json:"iban"`
	BIC       string    `json:"bic"`
	IsDefault bool      `json:"is_default"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// BankAccountInput is what a user may set on a bank account; pointer fields
// so that an update can leave a field alone.
type BankAccountInput struct {
	Label     *string `json:"label"`
	Holder    *string `json:"holder"`
	IBAN      *string `json:"iban"`
	BIC       *string `json:"bic"`
	IsDefault *bool   `json:"is_default"`
}

// Apply copies the set fields onto b.
func (in BankAccountInput) Apply(b *BankAccount) {
	set(&b.Label, in.Label)
	set(&b.Holder, in.Holder)
	set(&b.IBAN, in.IBAN)
	set(&b.BIC, in.BIC)
	if in.IsDefault != nil {
		b.IsDefault = *in.IsDefault
	}
}

// Validate normalizes the IBAN and BIC and checks every field.
func (b *BankAccount) Validate() error {
	var f errs.Fields
	b.Label = strings.TrimSpace(b.Label)
	if b.Label == "" {
		f.Add("label", "required", "a label is required")
	}
	checkLen(&f, "label", b.Label, 100)
	b.Holder = strings.TrimSpace(b.Holder)
	checkLen(&f, "holder", b.Holder, 200)
	if strings.TrimSpace(b.IBAN) == "" {
		f.Add("iban", "required", "the IBAN is required")
	} else if v, err := iban.Check(b.IBAN); err != nil {
		f.Add("iban", "invalid_iban", "iban: "+err.Error())
	} else {
		b.IBAN = v
	}
	if strings.TrimSpace(b.BIC) != "" {
		if v, err := iban.CheckBIC(b.BIC); err != nil {
			f.Add("bic", "invalid_bic", "bic: "+err.Error())
		} else {
			b.BIC = v
		}
	} else {
		b.BIC = ""
	}
	if utf8.RuneCountInString(b.IBAN) > 34 {
		f.Add("iban", "too_long", "an IBAN has at most 34 characters")
	}
	return f.Err("account.BankAccount.Validate")
}
