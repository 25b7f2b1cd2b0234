package catalog

import (
	"strings"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/vat"
)

// Columns are the fields of a product in CSV files, in export order. An
// import recognizes these names and the usual French and English headers
// (see headerAliases).
var Columns = []string{"reference", "name", "description", "unit", "price", "vat_rate", "purchase_price", "barcode", "active"}

// headerAliases maps folded headers (SearchKey) to fields.
var headerAliases = map[string]string{
	"ref": "reference", "reference": "reference", "code": "reference", "code article": "reference", "sku": "reference",
	"reference article": "reference", "item code": "reference", "product code": "reference",
	"nom": "name", "designation": "name", "libelle": "name", "article": "name", "produit": "name", "product": "name",
	"product name": "name", "item": "name", "intitule": "name",
	"description": "description", "descriptif": "description", "details": "description",
	"unite": "unit", "unit": "unit", "unite de vente": "unit", "uom": "unit",
	"prix": "price", "prix ht": "price", "prix de vente": "price", "prix de vente ht": "price", "pu ht": "price",
	"prix unitaire": "price", "prix unitaire ht": "price", "tarif": "price", "price": "price", "unit price": "price",
	"sale price": "price", "price excl. vat": "price", "price excl vat": "price",
	"tva": "vat_rate", "taux tva": "vat_rate", "taux de tva": "vat_rate", "tva %": "vat_rate", "vat": "vat_rate",
	"vat rate": "vat_rate", "tax rate": "vat_rate",
	"prix d'achat": "purchase_price", "prix achat": "purchase_price", "prix d'achat ht": "purchase_price",
	"cout": "purchase_price", "cout d'achat": "purchase_price", "purchase price": "purchase_price", "cost": "purchase_price",
	"cost price": "purchase_price",
	"code barre": "barcode", "code-barre": "barcode", "code barres": "barcode", "code-barres": "barcode", "ean": "barcode",
	"ean13": "barcode", "ean-13": "barcode", "gtin": "barcode", "upc": "barcode", "barcode": "barcode",
	"actif": "active", "active": "active", "en vente": "active", "status": "active", "statut": "active",
}

// MapHeader maps a CSV header line to fields (Columns), "" for the
// columns it does not know, which it also returns. A field named twice
// is taken from its first column.
func MapHeader(header []string) (fields, unknown []string) {
	fields = make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		key := strings.Join(strings.Fields(SearchKey(strings.ReplaceAll(strings.TrimPrefix(h, "\ufeff"), "_", " "))), " ")
		key = strings.ReplaceAll(key, "’", "'")
		f := headerAliases[key]
		if f == "" {
			f = headerAliases[strings.ReplaceAll(key, " ", "_")]
		}
		if f == "" {
			for _, c := range Columns {
				if key == strings.ReplaceAll(c, "_", " ") {
					f = c
				}
			}
		}
		switch {
		case f != "" && !seen[f]:
			fields[i], seen[f] = f, true
		case strings.TrimSpace(h) != "":
			unknown = append(unknown, h)
		}
	}
	return fields, unknown
}

// unitAliases maps folded words people write for units to measure.Units.
var unitAliases = map[string]string{
	"": "piece", "u": "piece", "un": "piece", "unite": "piece", "unit": "piece", "pc": "piece", "pce": "piece",
	"pcs": "piece", "piece": "piece", "pieces": "piece", "each": "piece", "ea": "piece", "c62": "piece",
	"kg": "kg", "kilo": "kg", "kilos": "kg", "kilogramme": "kg", "kilogram": "kg", "kgm": "kg",
	"g": "g", "gr": "g", "gramme": "g", "grammes": "g", "gram": "g", "grm": "g",
	"l": "l", "litre": "l", "litres": "l", "liter": "l", "ltr": "l",
	"ml": "ml", "millilitre": "ml", "mlt": "ml",
	"m": "m", "metre": "m", "meter": "m", "mtr": "m",
	"m2": "m2", "m²": "m2", "mtk": "m2", "m3": "m3", "m³": "m3", "mtq": "m3",
	"h": "hour", "heure": "hour", "heures": "hour", "hour": "hour", "hours": "hour", "hur": "hour",
	"j": "day", "jour": "day", "jours": "day", "day": "day", "days": "day",
	"mois": "month", "month": "month", "months": "month", "mon": "month",
	"forfait": "flat", "flat": "flat", "lump sum": "flat", "ls": "flat",
}

// ParseUnit reads a unit as people write it ("pièce", "Kilo", "heure",
// "forfait"); an unknown word is kept as is, for Validate to refuse.
func ParseUnit(s string) string {
	s = strings.TrimSpace(s)
	if u, ok := unitAliases[SearchKey(strings.TrimSuffix(s, "."))]; ok {
		return u
	}
	return s
}

// ParseBool reads yes/no the French or English way; empty is def.
func ParseBool(s string, def bool) (bool, bool) {
	switch SearchKey(strings.TrimSpace(s)) {
	case "":
		return def, true
	case "oui", "yes", "1", "true", "vrai", "x", "o", "y", "actif", "active":
		return true, true
	case "non", "no", "0", "false", "faux", "n", "inactif", "inactive":
		return false, true
	}
	return def, false
}

// InputFromRow builds a product's input from a CSV row and the fields of
// its columns. Amounts and rates are read as typed in French or English
// ("1 234,56", "1234.56", "5,5 %"); what cannot be read is reported as
// field errors, with the codes of money.Parse.
func InputFromRow(fields, row []string) (Input, errs.Fields) {
	var in Input
	var fe errs.Fields
	for i, f := range fields {
		if i >= len(row) || f == "" {
			continue
		}
		v := undefuse(strings.TrimSpace(row[i]))
		switch f {
		case "reference":
			in.Reference = &v
		case "name":
			in.Name = &v
		case "description":
			in.Description = &v
		case "unit":
			u := ParseUnit(v)
			in.Unit = &u
		case "price", "purchase_price":
			if v == "" && f == "purchase_price" {
				continue // unknown: an existing product keeps its own
			}
			a, err := money.Parse(v)
			if err != nil {
				fe.Add(f, err.Error(), f+" is not an amount")
				continue
			}
			if f == "price" {
				in.Price = &a
			} else {
				in.PurchasePrice = &a
			}
		case "vat_rate":
			r, err := vat.ParseRate(v)
			if err != nil {
				fe.Add(f, "invalid_vat_rate", "vat_rate is not a rate")
				continue
			}
			in.VATRate = &r
		case "barcode":
			in.Barcode = &v
		case "active":
			b, ok := ParseBool(v, true)
			if !ok {
				fe.Add(f, "invalid_boolean", "active must be yes or no")
				continue
			}
			in.Active = &b
		}
	}
	return in, fe
}

// undefuse takes back the apostrophe a formula-safe export (sheet.Defuse)
// puts before a cell starting with = + - or @, so that an exported file
// imports as it was.
func undefuse(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
		return v[1:]
	}
	return v
}

// Row returns the product's values in Columns order, plainly (dots for
// decimals), as InputFromRow reads them back.
func (p Product) Row() []string {
	active := "yes"
	if !p.Active {
		active = "no"
	}
	purchase := ""
	if p.PurchasePrice != 0 {
		purchase = p.PurchasePrice.String()
	}
	return []string{p.Reference, p.Name, p.Description, p.Unit, p.Price.String(), p.VATRate.String(), purchase, p.Barcode, active}
}
