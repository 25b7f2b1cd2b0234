package privacy

import "time"

// Period is a retention length in calendar units.
type Period struct {
	Years  int `json:"years,omitempty"`
	Months int `json:"months,omitempty"`
	Days   int `json:"days,omitempty"`
}

// After returns t moved forward by p, by the calendar (AddDate).
func (p Period) After(t time.Time) time.Time { return t.AddDate(p.Years, p.Months, p.Days) }

// Before returns t moved back by p: a record whose start is before it has
// outlived p at t.
func (p Period) Before(t time.Time) time.Time { return t.AddDate(-p.Years, -p.Months, -p.Days) }

// Zero reports whether p is no time at all.
func (p Period) Zero() bool { return p == Period{} }

// ApproxDays approximates p in days, to compare periods.
func (p Period) ApproxDays() int { return p.Years*365 + p.Months*30 + p.Days }

// Action is what becomes of a record at the end of its life.
type Action string

// The end-of-life actions.
const (
	Delete    Action = "delete"    // the record goes
	Anonymise Action = "anonymise" // the record stays, stripped of what identifies a person
)

// Policy is one retention rule: records of a kind are active until the
// event From plus Active, then in the intermediate archive (seen only by
// those with the privacy right) for Archive, then deleted or anonymised.
type Policy struct {
	Key      string     `json:"key"`
	Category []Category `json:"categories"`
	Purpose  Purpose    `json:"purpose"`
	From     string     `json:"from"`    // the event the period runs from
	Active   Period     `json:"active"`  // kept in active data this long after From
	Archive  Period     `json:"archive"` // then in the intermediate archive this long
	Action   Action     `json:"action"`
	Max      Period     `json:"max"` // the longest total a user may set (the law or the CNIL's guidance)
	Law      string     `json:"law"` // the source of the default
}

// Total is how long after From a record lives in all.
func (p Policy) Total() Period {
	return Period{Years: p.Active.Years + p.Archive.Years, Months: p.Active.Months + p.Archive.Months, Days: p.Active.Days + p.Archive.Days}
}

// Policy keys.
const (
	Prospects      = "prospects"
	Clients        = "clients"
	Suppliers      = "suppliers"
	AccountingDocs = "accounting_documents"
	ActivityLog    = "activity_log"
	MailLog        = "mail_log"
	SessionsPolicy = "sessions"
	ResetCodes     = "reset_codes"
	ClosedAccounts = "closed_accounts"
	Invitations    = "invitations"
	ReplayCache    = "idempotency_keys"
	OrphanFiles    = "orphan_files"
)

// DefaultPolicies are the policies an account starts with: the seeds'
// periods where they give one, French law and the CNIL's guidance elsewhere.
var DefaultPolicies = []Policy{
	{Key: Prospects, Category: []Category{Identity, ContactData, Professional, Notes, Consent}, Purpose: CustomerManagement,
		From: "last_contact", Active: Period{Years: 2}, Action: Delete, Max: Period{Years: 3},
		Law: "CNIL, référentiel gestion commerciale: 3 ans au plus après le dernier contact (registre: 2 ans)"},
	{Key: Clients, Category: []Category{Identity, ContactData, Birth, Bank, Professional, Notes, Consent}, Purpose: CustomerManagement,
		From: "end_of_relationship", Active: Period{}, Archive: Period{Years: 6}, Action: Anonymise, Max: Period{Years: 10},
		Law: "Prescription commerciale, Code de commerce L110-4: 5 ans (registre: 6 ans après la fin de la relation)"},
	{Key: Suppliers, Category: []Category{Identity, ContactData, Bank, Professional, Notes}, Purpose: SupplierManagement,
		From: "end_of_relationship", Active: Period{}, Archive: Period{Years: 6}, Action: Anonymise, Max: Period{Years: 10},
		Law: "Prescription commerciale, Code de commerce L110-4"},
	{Key: AccountingDocs, Category: []Category{Purchases}, Purpose: Accounting,
		From: "document_date", Active: Period{Years: 10}, Action: Delete, Max: Period{Years: 10},
		Law: "Code de commerce L123-22: pièces comptables conservées 10 ans"},
	{Key: ActivityLog, Category: []Category{Connection}, Purpose: Traceability,
		From: "entry_date", Active: Period{Years: 1}, Action: Delete, Max: Period{Years: 1},
		Law: "CNIL, recommandation journalisation: 6 mois à 1 an"},
	{Key: MailLog, Category: []Category{ContactData}, Purpose: Traceability,
		From: "entry_date", Active: Period{Years: 1}, Action: Delete, Max: Period{Years: 1},
		Law: "CNIL, recommandation journalisation: 6 mois à 1 an"},
	{Key: SessionsPolicy, Category: []Category{Connection}, Purpose: AccessControl,
		From: "expiry", Active: Period{Days: 30}, Action: Delete, Max: Period{Months: 6},
		Law: "Minimisation (RGPD art. 5(1)(e))"},
	{Key: ResetCodes, Category: []Category{Credentials, Connection}, Purpose: AccessControl,
		From: "expiry", Active: Period{Days: 1}, Action: Delete, Max: Period{Days: 30},
		Law: "Minimisation (RGPD art. 5(1)(e))"},
	{Key: ClosedAccounts, Category: []Category{Identity, ContactData, Professional}, Purpose: AccessControl,
		From: "closure", Active: Period{Days: 30}, Action: Delete, Max: Period{Months: 3},
		Law: "Fermeture du compte à la demande de l'utilisateur : suppression des informations après un délai de réouverture ; pièces comptables gardées 10 ans"},
	{Key: Invitations, Category: []Category{ContactData}, Purpose: AccessControl,
		From: "expiry", Active: Period{Days: 30}, Action: Delete, Max: Period{Months: 6},
		Law: "Minimisation (RGPD art. 5(1)(e))"},
	{Key: ReplayCache, Category: []Category{Connection}, Purpose: Traceability,
		From: "entry_date", Active: Period{Days: 1}, Action: Delete, Max: Period{Days: 7},
		Law: "Minimisation (RGPD art. 5(1)(e)): la fenêtre de rejeu des requêtes de l'API"},
	{Key: OrphanFiles, Category: []Category{Purchases}, Purpose: SupplierManagement,
		From: "upload", Active: Period{Days: 1}, Action: Delete, Max: Period{Days: 30},
		Law: "Minimisation (RGPD art. 5(1)(e)): un fichier qu'aucune pièce ne cite plus"},
	{Key: RightsRequestsPolicy, Category: []Category{Identity, ContactData, Notes}, Purpose: RightsRequests,
		From: "closure", Active: Period{Years: 1}, Archive: Period{Years: 4}, Action: Delete, Max: Period{Years: 6},
		Law: "CNIL: preuve du traitement des demandes d'exercice des droits conservée pendant la prescription (5 ans, Code civil art. 2224)"},
}

// DefaultPolicy returns the default policy with key, and whether there is one.
func DefaultPolicy(key string) (Policy, bool) {
	for _, p := range DefaultPolicies {
		if p.Key == key {
			return p, true
		}
	}
	return Policy{}, false
}

// HoldYears is how long issued accounting documents are kept from their
// date (Code de commerce L123-22): a legal hold that erasure cannot lift.
const HoldYears = 10

// HoldUntil returns the day an accounting document dated issued leaves its
// legal hold.
func HoldUntil(issued time.Time) time.Time { return issued.AddDate(HoldYears, 0, 0) }
