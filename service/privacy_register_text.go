package service

import (
	"github.com/comptoir/comptoir/privacy"
)

// registerText is the wording of a generated register in one language.
type registerText struct {
	lang       string
	software   string
	sheets     map[string]sheetText
	categories map[privacy.Category]string
	bases      map[privacy.Basis]string
	roles      map[string]string
	// Recipients and measures.
	accountant, customRole, members       string
	hosting, smtp, backup                 string
	sensitiveNo                           string
	noTransfer                            string
	hashing, tls, twoFactor, twoFactorOpt string
	rights, chain, backups, reset, http   string
	retentionFrom                         map[string]string
}

// sheetText is the wording of one generated sheet.
type sheetText struct {
	name, designation string
	purposes          []string
	subjects          []string
}

var registerTexts = map[string]registerText{
	"fr": {
		software: "Comptoir",
		sheets: map[string]sheetText{
			"sales": {"Gestion commerciale", "Gestion commerciale (devis, commandes, factures, avoirs, relances d'impayés, suivi des échanges clients, envoi des documents par e-mail)",
				[]string{"Création, modification et envoi par e-mail des devis, bons de commande, factures et avoirs", "Relances des factures impayées", "Suivi des échanges avec les clients et prospects (notes, appels, e-mails, rendez-vous, tâches)", "Consultation et modification des fiches clients et prospects"},
				[]string{"Clients", "Prospects"}},
			"purchases": {"Gestion des achats fournisseurs", "Gestion des achats (devis fournisseurs, commandes d'achat, réceptions, factures fournisseurs, paiements)",
				[]string{"Création et modification des fiches fournisseurs", "Commandes d'achat envoyées par e-mail, réceptions et factures fournisseurs", "Paiements des fournisseurs"},
				[]string{"Fournisseurs et leurs contacts"}},
			"deliveries": {"Gestion des livraisons", "Suivi des livraisons (bons de livraison)",
				[]string{"Création, modification et envoi par e-mail des bons de livraison aux clients"},
				[]string{"Clients"}},
			"support": {"Service client", "Service client (dossiers et échanges)",
				[]string{"Suivi des dossiers du service client et des échanges avec les clients"},
				[]string{"Clients"}},
			"users": {"Utilisateurs et habilitations", "Gestion des utilisateurs, de leurs accès et de leurs droits",
				[]string{"Création des comptes utilisateurs et invitations", "Authentification (mot de passe, second facteur, codes de réinitialisation)", "Habilitations par module, par action et par type d'information"},
				[]string{"Utilisateurs (équipe, cabinet comptable)"}},
			"activity_log": {"Journal d'activité", "Journal d'activité et traçabilité des envois d'e-mails",
				[]string{"Traçabilité des ajouts, modifications et suppressions faits par chaque utilisateur", "Journal des e-mails envoyés", "Sécurité et preuve en cas de litige"},
				[]string{"Utilisateurs", "Destinataires des e-mails"}},
		},
		categories: map[privacy.Category]string{
			privacy.Identity: "Identité", privacy.ContactData: "Coordonnées", privacy.Birth: "Date de naissance",
			privacy.Bank: "Données bancaires", privacy.Professional: "Données professionnelles",
			privacy.Purchases: "Historique commercial", privacy.Notes: "Notes et échanges", privacy.Consent: "Consentement",
			privacy.Connection: "Données de connexion", privacy.Credentials: "Authentifiants (hachés)", privacy.DeviceID: "Identifiant d'appareil",
		},
		bases: map[privacy.Basis]string{
			privacy.Contract:           "Exécution d'un contrat (art. 6.1.b RGPD)",
			privacy.LegalObligation:    "Obligation légale (art. 6.1.c RGPD)",
			privacy.LegitimateInterest: "Intérêt légitime (art. 6.1.f RGPD)",
			privacy.ConsentBasis:       "Consentement (art. 6.1.a RGPD)",
		},
		roles: map[string]string{"owner": "Propriétaires", "manager": "Gérants", "sales": "Commerciaux",
			"accountant": "Comptables", "support": "Service client", "cashier": "Caissiers"},
		accountant: "Cabinet comptable (%s)", customRole: "Rôle personnalisé « %s »", members: "%s (%d)",
		hosting: "%s, hébergeur (%s)", smtp: "%s, envoi des e-mails", backup: "%s, sauvegardes",
		sensitiveNo: "Aucune donnée sensible n'est demandée ni enregistrée.",
		noTransfer:  "Aucune donnée n'est transmise en dehors de l'Union européenne.",
		hashing:     "Mots de passe hachés par argon2id (%d Mio, %d passes), au moins 8 caractères avec lettres et chiffres",
		tls:         "Connexions chiffrées (HTTPS/TLS)",
		twoFactor:   "Second facteur (TOTP) exigé pour tous les utilisateurs", twoFactorOpt: "Second facteur (TOTP) proposé à chaque utilisateur",
		rights:  "Habilitations par module, action et type d'information",
		chain:   "Journal d'activité chaîné par empreintes (toute altération est détectée)",
		backups: "Sauvegardes chiffrées (age, %d destinataire(s)) vers %d destinations : %s",
		reset:   "Réinitialisation du mot de passe par code à usage unique envoyé par e-mail",
		http:    "Pages non référencées par les moteurs de recherche (noindex), politique de sécurité du contenu stricte",
		retentionFrom: map[string]string{"last_contact": "après le dernier contact", "end_of_relationship": "après la fin de la relation",
			"document_date": "à compter de la date du document", "entry_date": "à compter de l'enregistrement", "expiry": "après expiration",
			"closure": "après la fermeture du compte"},
	},
	"en": {
		software: "Comptoir",
		sheets: map[string]sheetText{
			"sales": {"Sales management", "Sales management (quotes, orders, invoices, credit notes, payment reminders, follow-up of exchanges with clients, documents sent by e-mail)",
				[]string{"Quotes, orders, invoices and credit notes created, edited and sent by e-mail", "Reminders of unpaid invoices", "Follow-up of exchanges with clients and prospects (notes, calls, e-mails, appointments, tasks)", "Client and prospect records viewed and edited"},
				[]string{"Clients", "Prospects"}},
			"purchases": {"Purchases from suppliers", "Purchases (supplier quotes, purchase orders, receipts, supplier bills, payments)",
				[]string{"Supplier records created and edited", "Purchase orders sent by e-mail, receipts and supplier bills", "Payments to suppliers"},
				[]string{"Suppliers and their contacts"}},
			"deliveries": {"Deliveries", "Delivery follow-up (delivery notes)",
				[]string{"Delivery notes created, edited and sent to clients by e-mail"},
				[]string{"Clients"}},
			"support": {"Customer service", "Customer service (cases and exchanges)",
				[]string{"Follow-up of customer-service cases and exchanges with clients"},
				[]string{"Clients"}},
			"users": {"Users and access", "Users, their access and their rights",
				[]string{"User accounts and invitations", "Authentication (password, second factor, reset codes)", "Rights per module, action and type of information"},
				[]string{"Users (team, accounting firm)"}},
			"activity_log": {"Activity log", "Activity log and traceability of e-mails sent",
				[]string{"Traceability of what each user adds, changes and deletes", "Log of e-mails sent", "Security and evidence in a dispute"},
				[]string{"Users", "Recipients of e-mails"}},
		},
		categories: map[privacy.Category]string{
			privacy.Identity: "Identity", privacy.ContactData: "Contact details", privacy.Birth: "Date of birth",
			privacy.Bank: "Bank details", privacy.Professional: "Professional data",
			privacy.Purchases: "Commercial history", privacy.Notes: "Notes and exchanges", privacy.Consent: "Consent",
			privacy.Connection: "Connection data", privacy.Credentials: "Credentials (hashed)", privacy.DeviceID: "Device identifier",
		},
		bases: map[privacy.Basis]string{
			privacy.Contract:           "Performance of a contract (GDPR art. 6(1)(b))",
			privacy.LegalObligation:    "Legal obligation (GDPR art. 6(1)(c))",
			privacy.LegitimateInterest: "Legitimate interest (GDPR art. 6(1)(f))",
			privacy.ConsentBasis:       "Consent (GDPR art. 6(1)(a))",
		},
		roles: map[string]string{"owner": "Owners", "manager": "Managers", "sales": "Sales staff",
			"accountant": "Accountants", "support": "Customer service", "cashier": "Cashiers"},
		accountant: "Accounting firm (%s)", customRole: "Custom role “%s”", members: "%s (%d)",
		hosting: "%s, hosting (%s)", smtp: "%s, e-mail delivery", backup: "%s, backups",
		sensitiveNo: "No sensitive data are asked for or recorded.",
		noTransfer:  "No data are transferred outside the European Union.",
		hashing:     "Passwords hashed with argon2id (%d MiB, %d passes), at least 8 characters with letters and digits",
		tls:         "Encrypted connections (HTTPS/TLS)",
		twoFactor:   "Second factor (TOTP) required for every user", twoFactorOpt: "Second factor (TOTP) offered to every user",
		rights:  "Rights per module, action and type of information",
		chain:   "Hash-chained activity log (any alteration is detected)",
		backups: "Encrypted backups (age, %d recipient(s)) to %d destinations: %s",
		reset:   "Password reset by a one-time code sent by e-mail",
		http:    "Pages kept out of search engines (noindex), strict content security policy",
		retentionFrom: map[string]string{"last_contact": "after the last contact", "end_of_relationship": "after the end of the relationship",
			"document_date": "from the document's date", "entry_date": "from the entry", "expiry": "after expiry",
			"closure": "after the account is closed"},
	},
}

func textFor(lang string) registerText {
	if t, ok := registerTexts[lang]; ok {
		t.lang = lang
		return t
	}
	t := registerTexts["fr"]
	t.lang = "fr"
	return t
}
