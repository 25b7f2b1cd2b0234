package crm

import (
	"strings"

	"github.com/comptoir/comptoir/account"
)

// Columns are the fields of a contact in CSV files, in export order. An
// import recognizes these names and the usual French and English headers
// of spreadsheets and other tools (see headerAliases).
var Columns = []string{"kind", "civility", "last_name", "first_name", "company_name", "shop_name", "email", "phone",
	"address_line1", "address_line2", "postal_code", "city", "country", "birth_date", "siren", "siret", "vat_number",
	"iban", "bic", "roles", "tags", "source", "marketing_consent", "notes"}

var headerAliases = map[string]string{
	"type": "kind", "genre": "kind",
	"civilite": "civility", "sexe": "civility", "title": "civility",
	"nom": "last_name", "nom de famille": "last_name", "last name": "last_name", "lastname": "last_name", "surname": "last_name",
	"prenom": "first_name", "first name": "first_name", "firstname": "first_name", "given name": "first_name",
	"societe": "company_name", "entreprise": "company_name", "raison sociale": "company_name", "company": "company_name", "organisation": "company_name", "organization": "company_name",
	"boutique": "shop_name", "magasin": "shop_name", "shop": "shop_name", "nom de la boutique": "shop_name",
	"e-mail": "email", "mail": "email", "courriel": "email", "adresse e-mail": "email", "adresse email": "email", "e-mail address": "email",
	"telephone": "phone", "tel": "phone", "tel.": "phone", "portable": "phone", "mobile": "phone", "phone number": "phone",
	"adresse": "address_line1", "address": "address_line1", "rue": "address_line1", "adresse 1": "address_line1", "street": "address_line1",
	"complement": "address_line2", "adresse 2": "address_line2", "complement d'adresse": "address_line2",
	"code postal": "postal_code", "cp": "postal_code", "zip": "postal_code", "postcode": "postal_code", "postal code": "postal_code",
	"ville": "city", "commune": "city", "town": "city",
	"pays":              "country",
	"date de naissance": "birth_date", "naissance": "birth_date", "birthday": "birth_date", "date of birth": "birth_date",
	"tva": "vat_number", "n° tva": "vat_number", "numero de tva": "vat_number", "tva intracommunautaire": "vat_number", "vat": "vat_number", "vat number": "vat_number",
	"role": "roles", "roles": "roles", "categorie": "roles", "category": "roles", "statut": "roles",
	"etiquettes": "tags", "etiquette": "tags", "mots-cles": "tags", "labels": "tags", "groupe": "tags",
	"origine": "source", "provenance": "source",
	"consentement": "marketing_consent", "optin": "marketing_consent", "opt-in": "marketing_consent", "newsletter": "marketing_consent",
	"commentaire": "notes", "commentaires": "notes", "remarques": "notes", "note": "notes",
}

// MapHeader tells which contact field each column holds ("" for columns
// it does not know) and lists the unknown headers.
func MapHeader(header []string) ([]string, []string) {
	fields := make([]string, len(header))
	var unknown []string
	known := map[string]bool{}
	for _, c := range Columns {
		known[c] = true
	}
	for i, h := range header {
		key := SearchKey(strings.TrimSpace(strings.Trim(h, "\ufeff")))
		switch {
		case known[strings.ReplaceAll(key, " ", "_")]:
			fields[i] = strings.ReplaceAll(key, " ", "_")
		case headerAliases[key] != "":
			fields[i] = headerAliases[key]
		default:
			if strings.TrimSpace(h) != "" {
				unknown = append(unknown, h)
			}
		}
	}
	return fields, unknown
}

// InputFromRow builds a contact's input from a row and the fields of its
// columns. Roles accept client/prospect/fournisseur/supplier words.
func InputFromRow(fields, row []string) Input {
	in := Input{Address: &account.Address{}}
	set := func(dst **string, v string) { *dst = &v }
	for i, f := range fields {
		if i >= len(row) || f == "" {
			continue
		}
		v := strings.TrimSpace(row[i])
		switch f {
		case "kind":
			k := Person
			if lk := SearchKey(v); lk == "company" || lk == "entreprise" || lk == "societe" || lk == "pro" {
				k = Company
			}
			in.Kind = &k
		case "civility":
			c := normalizeCivility(v)
			in.Civility = &c
		case "last_name":
			set(&in.LastName, v)
		case "first_name":
			set(&in.FirstName, v)
		case "company_name":
			set(&in.CompanyName, v)
		case "shop_name":
			set(&in.ShopName, v)
		case "email":
			set(&in.Email, v)
		case "phone":
			set(&in.Phone, v)
		case "address_line1":
			in.Address.Line1 = v
		case "address_line2":
			in.Address.Line2 = v
		case "postal_code":
			in.Address.PostalCode = v
		case "city":
			in.Address.City = v
		case "country":
			in.Address.Country = v
		case "birth_date":
			d := normalizeDate(v)
			in.BirthDate = &d
		case "siren":
			set(&in.SIREN, v)
		case "siret":
			set(&in.SIRET, v)
		case "vat_number":
			set(&in.VATNumber, v)
		case "iban":
			set(&in.IBAN, v)
		case "bic":
			set(&in.BIC, v)
		case "roles":
			lv := SearchKey(v)
			p, c, s := strings.Contains(lv, "prospect"), strings.Contains(lv, "client"), strings.Contains(lv, "fournisseur") || strings.Contains(lv, "supplier")
			in.IsProspect, in.IsClient, in.IsSupplier = &p, &c, &s
		case "tags":
			tags := ParseTags(v)
			in.Tags = &tags
		case "source":
			set(&in.Source, v)
		case "marketing_consent":
			lv := SearchKey(v)
			yes := lv == "oui" || lv == "yes" || lv == "1" || lv == "true" || lv == "x" || lv == "vrai"
			in.MarketingConsent = &yes
		case "notes":
			set(&in.Notes, v)
		}
	}
	if in.Kind == nil {
		k := Person
		empty := func(p *string) bool { return p == nil || *p == "" }
		if empty(in.LastName) && empty(in.FirstName) && !empty(in.CompanyName) {
			k = Company
		}
		in.Kind = &k
	}
	return in
}

// Row returns the contact's values in Columns order.
func (c Contact) Row() []string {
	var roles []string
	for _, r := range []struct {
		on   bool
		name string
	}{{c.IsProspect, "prospect"}, {c.IsClient, "client"}, {c.IsSupplier, "supplier"}} {
		if r.on {
			roles = append(roles, r.name)
		}
	}
	consent := "no"
	if c.MarketingConsent {
		consent = "yes"
	}
	return []string{c.Kind, c.Civility, c.LastName, c.FirstName, c.CompanyName, c.ShopName, c.Email, c.Phone,
		c.Address.Line1, c.Address.Line2, c.Address.PostalCode, c.Address.City, c.Address.Country, c.BirthDate,
		c.SIREN, c.SIRET, c.VATNumber, c.IBAN, c.BIC, strings.Join(roles, " "), strings.Join(c.Tags, ", "),
		c.Source, consent, c.Notes}
}

func normalizeCivility(v string) string {
	switch SearchKey(strings.TrimSuffix(strings.TrimSpace(v), ".")) {
	case "m", "mr", "monsieur", "h", "homme":
		return "M."
	case "mme", "madame", "mrs", "ms", "f", "femme", "mlle":
		return "Mme"
	case "mx":
		return "Mx"
	}
	return ""
}

// normalizeDate accepts 2006-01-02 and the French 02/01/2006.
func normalizeDate(v string) string {
	if len(v) == 10 && v[2] == '/' && v[5] == '/' {
		return v[6:] + "-" + v[3:5] + "-" + v[:2]
	}
	return v
}
