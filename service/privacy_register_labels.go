package service

import (
	"slices"
	"strings"
)

// fieldLabels name the declared personal columns in the register's words:
// an auditor reads "nom, prénom, e-mail", not "contacts.last_name". A key
// is "table.column" or, for a column named alike everywhere, the column.
// Several columns may share a label (the lines of an address); the
// register lists it once.
var fieldLabels = map[string][2]string{ // French, English
	"civility": {"civilité", "civility"}, "last_name": {"nom", "last name"}, "first_name": {"prénom", "first name"},
	"name": {"nom", "name"}, "email": {"e-mail", "e-mail"}, "phone": {"téléphone", "phone"},
	"address_line1": {"adresse postale", "postal address"}, "address_line2": {"adresse postale", "postal address"},
	"postal_code": {"adresse postale", "postal address"}, "city": {"adresse postale", "postal address"},
	"country": {"adresse postale", "postal address"}, "website": {"site web", "website"},
	"birth_date": {"date de naissance", "date of birth"}, "iban": {"IBAN", "IBAN"}, "bic": {"BIC", "BIC"},
	"holder":       {"titulaire du compte", "account holder"},
	"company_name": {"société", "company"}, "shop_name": {"nom de la boutique", "shop name"},
	"siren": {"SIREN", "SIREN"}, "siret": {"SIRET", "SIRET"}, "vat_number": {"numéro de TVA", "VAT number"},
	"legal_form": {"forme juridique", "legal form"}, "rcs_city": {"ville du RCS", "trade register city"},
	"share_capital":  {"capital social", "share capital"},
	"contacts.notes": {"notes sur la fiche", "notes on the record"}, "tags": {"étiquettes", "tags"},
	"source":            {"origine du contact", "lead source"},
	"last_contact_at":   {"date du dernier contact", "date of last contact"},
	"became_client_at":  {"date d'entrée en relation", "start of the relationship"},
	"ended_at":          {"date de fin de relation", "end of the relationship"},
	"marketing_consent": {"consentement à la prospection", "marketing consent"},
	"consent_at":        {"date du consentement", "date of consent"}, "consent_proof": {"preuve du consentement", "proof of consent"},
	"contact_addresses.label":       {"adresses de livraison et de facturation", "delivery and billing addresses"},
	"contact_addresses.line1":       {"adresses de livraison et de facturation", "delivery and billing addresses"},
	"contact_addresses.line2":       {"adresses de livraison et de facturation", "delivery and billing addresses"},
	"contact_addresses.postal_code": {"adresses de livraison et de facturation", "delivery and billing addresses"},
	"contact_addresses.city":        {"adresses de livraison et de facturation", "delivery and billing addresses"},
	"contact_addresses.country":     {"adresses de livraison et de facturation", "delivery and billing addresses"},
	"conversations.subject":         {"objet et contenu des échanges", "subject and content of exchanges"},
	"conversations.body":            {"objet et contenu des échanges", "subject and content of exchanges"},
	"conversations.place":           {"lieu des rendez-vous", "place of appointments"},
	"cases.subject":                 {"objet des dossiers du service client", "subject of customer-service cases"},
	"documents.buyer":               {"nom et adresse du client ou fournisseur sur les pièces", "name and address of the client or supplier on documents"},
	"documents.delivery_address":    {"adresse de livraison sur les pièces", "delivery address on documents"},
	"documents.sent_to":             {"adresse d'envoi des pièces", "address documents were sent to"},
	"documents.title":               {"objet et notes des pièces", "subject and notes of documents"},
	"documents.notes":               {"objet et notes des pièces", "subject and notes of documents"},
	"document_lines.description":    {"désignation des lignes (produits, quantités, prix)", "line descriptions (products, quantities, prices)"},
	"payments.reference":            {"références et notes des paiements", "payment references and notes"},
	"payments.note":                 {"références et notes des paiements", "payment references and notes"},
	"attachments.name":              {"nom des pièces jointes", "names of attached files"},
	"mail_log.to_address":           {"destinataire des e-mails", "e-mail recipient"},
	"mail_log.subject":              {"objet des e-mails", "e-mail subject"},
	"activity.summary":              {"journal des actions (quoi, sur quelle fiche)", "log of actions (what, on which record)"},
	"activity.changes":              {"valeurs avant et après chaque modification", "values before and after each change"},
	"ip":                            {"adresse IP", "IP address"}, "user_agent": {"navigateur", "browser"},
	"last_seen_at": {"date de dernière connexion", "last seen"}, "last_used_at": {"date de dernière utilisation", "last used"},
	"idempotency_keys.body": {"réponses de l'API gardées 24 h", "API answers kept 24 h"},
	"contact_views.query":   {"recherches enregistrées", "saved searches"},
	"password_hash":         {"mot de passe (haché par argon2id)", "password (argon2id hash)"},
	"totp_secret":           {"secret du second facteur", "second-factor secret"}, "totp_pending_secret": {"secret du second facteur", "second-factor secret"},
	"token_hash": {"jetons d'accès (hachés)", "access tokens (hashed)"},
	"code_hash":  {"codes à usage unique (hachés)", "one-time codes (hashed)"}, "request_hash": {"codes à usage unique (hachés)", "one-time codes (hashed)"},
	"identifier": {"identifiant des connexions échouées", "identifier of failed logins"},
}

// fieldLabel returns the register's words for table.column in lang, the
// column's name when it has none.
func fieldLabel(lang, table, column string) string {
	i := 0
	if lang == "en" {
		i = 1
	}
	if l, ok := fieldLabels[table+"."+column]; ok {
		return l[i]
	}
	if l, ok := fieldLabels[column]; ok {
		return l[i]
	}
	return strings.ReplaceAll(column, "_", " ")
}

// addLabel appends label to list unless it is there already.
func addLabel(list []string, label string) []string {
	if slices.Contains(list, label) {
		return list
	}
	return append(list, label)
}
