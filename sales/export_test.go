package sales

import "github.com/comptoir/comptoir/account"

// Seller is a business with every mention an invoice needs.
func Seller() account.Account {
	a := account.New("Atelier Dupont")
	a.LegalForm, a.SIREN, a.SIRET, a.VATNumber, a.ShareCapital, a.RCSCity = "SARL", "732829320", "73282932000074", "FR44732829320", 1_000_000, "Lyon"
	a.Address = account.Address{Line1: "3 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	return a
}
