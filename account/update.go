package account

import "github.com/comptoir/comptoir/money"

// Update changes some fields of an account; nil means "leave as is". The
// id, status and dates are not here: a client cannot set them.
type Update struct {
	Name         *string       `json:"name"`
	LegalForm    *string       `json:"legal_form"`
	SIREN        *string       `json:"siren"`
	SIRET        *string       `json:"siret"`
	VATNumber    *string       `json:"vat_number"`
	Address      *Address      `json:"address"`
	ShareCapital *money.Amount `json:"share_capital"`
	RCSCity      *string       `json:"rcs_city"`
	Email        *string       `json:"email"`
	Phone        *string       `json:"phone"`
	Website      *string       `json:"website"`
	Locale       *string       `json:"locale"`
	TimeZone     *string       `json:"time_zone"`
}

// Apply copies the set fields onto a.
func (u Update) Apply(a *Account) {
	set(&a.Name, u.Name)
	set(&a.LegalForm, u.LegalForm)
	set(&a.SIREN, u.SIREN)
	set(&a.SIRET, u.SIRET)
	set(&a.VATNumber, u.VATNumber)
	if u.Address != nil {
		a.Address = *u.Address
	}
	if u.ShareCapital != nil {
		a.ShareCapital = *u.ShareCapital
	}
	set(&a.RCSCity, u.RCSCity)
	set(&a.Email, u.Email)
	set(&a.Phone, u.Phone)
	set(&a.Website, u.Website)
	set(&a.Locale, u.Locale)
	set(&a.TimeZone, u.TimeZone)
}

func set(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}
