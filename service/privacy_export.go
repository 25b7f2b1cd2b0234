package service

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/pdf"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
)

// moduleOfTable groups a person's tables in their copy as the application
// does in its menus.
var moduleOfTable = map[string]string{
	"contacts": "contacts", "contact_addresses": "contacts", "conversations": "contacts", "cases": "support",
	"documents": "sales", "document_lines": "sales", "payments": "sales", "dunning_reminders": "sales",
	"attachments": "purchases", "product_suppliers": "purchases", "mail_log": "mail", "activity": "activity",
	"privacy_requests": "privacy",
}

// PersonCopy is one contact's part of data.json.
type PersonCopy struct {
	ContactID int64                                  `json:"contact_id"`
	Modules   map[string]map[string][]map[string]any `json:"modules"` // module → table → rows
}

// ExportName is the file name of a request's export.
func ExportName(r privacy.Request) string {
	return "personal-data-request-" + strconv.FormatInt(r.ID, 10) + ".zip"
}

// ExportForRequest writes the answer to an access or portability request
// to w as a ZIP: data.json (everything held on each linked contact, table
// by table as the personal data declaration lists them, grouped by
// module), summary.pdf (what is held, why, on which basis, how long, who
// receives it, the person's rights, in the account's language), each of
// their documents as documents/<number>.pdf and the files attached to them
// under attachments/. The requester's identity must be checked. The export
// is logged before it is written.
func (s *Service) ExportForRequest(ctx context.Context, id int64, w io.Writer) error {
	const op = "service.ExportForRequest"
	if err := access.Require(ctx, access.Privacy, access.Export); err != nil {
		return err
	}
	r, err := s.actOn(ctx, op, id, true, privacy.AccessRequest, privacy.PortabilityRequest)
	if err != nil {
		return errs.Wrap(op, err)
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		rr := r
		rr.Note(s.db.Now(ctx), "copy of the data exported ("+contactList(r.ContactIDs)+")")
		if err := s.db.SavePrivacyRequest(ctx, &rr); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "export", RecordType: requestRecord,
			RecordID: r.ID, Summary: requestSummary(r, "copy of the data exported")})
	})
	if err != nil {
		return errs.Wrap(op, err)
	}
	return errs.Wrap(op, s.writeExport(ctx, r, w))
}

func (s *Service) writeExport(ctx context.Context, r privacy.Request, w io.Writer) error {
	acc, err := s.db.Account(ctx)
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	var copies []PersonCopy
	var people []crm.Contact
	var docs []sales.Document
	var atts []sales.Attachment
	counts := map[string]int{}
	for _, cid := range r.ContactIDs {
		c, err := s.db.Contact(ctx, cid)
		if errs.Is(err, errs.NotFound) {
			continue // erased and deleted since
		}
		if err != nil {
			return err
		}
		data, err := s.db.PersonData(ctx, c)
		if err != nil {
			return err
		}
		pc := PersonCopy{ContactID: cid, Modules: map[string]map[string][]map[string]any{}}
		for table, rows := range data {
			if len(rows) == 0 {
				continue
			}
			m := moduleOfTable[table]
			if pc.Modules[m] == nil {
				pc.Modules[m] = map[string][]map[string]any{}
			}
			pc.Modules[m][table] = rows
			counts[table] += len(rows)
		}
		copies = append(copies, pc)
		people = append(people, c)
		d, err := s.db.PersonDocuments(ctx, cid)
		if err != nil {
			return err
		}
		docs = append(docs, d...)
		a, err := s.db.PersonAttachments(ctx, cid)
		if err != nil {
			return err
		}
		atts = append(atts, a...)
	}
	now := s.db.Now(ctx)
	body, err := json.MarshalIndent(map[string]any{
		"generated_at": now.Format(time.RFC3339), "controller": sellerName(acc), "request": r.ID,
		"format": "comptoir-personal-data/1", "people": copies,
		"declaration": declarationOf(counts),
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := put(z, "data.json", now, body); err != nil {
		return err
	}
	st, err := s.db.SalesSettings(ctx)
	if err != nil {
		return err
	}
	summary, err := s.summaryPDF(acc, st, r, people, counts, now)
	if err != nil {
		return err
	}
	if err := store(z, "summary.pdf", now, summary); err != nil {
		return err
	}
	if err := s.putDocuments(ctx, z, docs, now); err != nil {
		return err
	}
	numbers := map[int64]string{}
	for _, d := range docs {
		numbers[d.ID] = strings.TrimSuffix(fileName(d), ".pdf")
	}
	for _, a := range atts {
		data, err := s.Files.Get(acc.ID, a.Checksum)
		if errors.Is(err, files.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := store(z, "attachments/"+numbers[a.DocumentID]+"-"+strconv.FormatInt(a.ID, 10)+"-"+safeZipName(a.Name), now, data); err != nil {
			return err
		}
	}
	return z.Close()
}

// putDocuments renders each document as the documents' own PDFs are,
// reading the seller, settings and logo once, on every core: a person with
// a thousand invoices gets them in well under a second. Batches keep the
// memory bounded and the ZIP in the documents' order.
func (s *Service) putDocuments(ctx context.Context, z *zip.Writer, docs []sales.Document, now time.Time) error {
	if len(docs) == 0 {
		return nil
	}
	base, err := s.printContext(ctx, sales.Document{})
	if err != nil {
		return err
	}
	byID := map[int64]*sales.Document{}
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	var toPrint []sales.Document
	for _, d := range docs {
		if sales.Recorded(d.Kind) {
			continue // a supplier's document: its original is the attached file
		}
		toPrint = append(toPrint, d)
	}
	contexts := make([]printed, len(toPrint))
	for i, d := range toPrint {
		p := base
		p.origin = byID[d.OriginID]
		if d.OriginID != 0 && p.origin == nil {
			if o, err := s.db.Document(ctx, d.OriginID); err == nil {
				p.origin = &o
			}
		}
		p.created = d.UpdatedAt
		if d.IssuedAt != nil {
			p.created = *d.IssuedAt
		}
		contexts[i] = p
	}
	const batch = 64
	files := make([][]byte, batch)
	errs := make([]error, batch)
	workers := max(1, runtime.GOMAXPROCS(0))
	for start := 0; start < len(toPrint); start += batch {
		end := min(start+batch, len(toPrint))
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					p := contexts[i]
					files[i-start], errs[i-start] = s.render(layoutDocument(toPrint[i], p), p.settings, toPrint[i].Locale, p.created)
				}
			}()
		}
		for i := start; i < end; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
		for i := start; i < end; i++ {
			if errs[i-start] != nil {
				return errs[i-start]
			}
			if err := store(z, "documents/"+fileName(toPrint[i]), now, files[i-start]); err != nil {
				return err
			}
		}
	}
	return nil
}

// store adds a file that is compressed already (a PDF, an image) as is.
func store(z *zip.Writer, name string, at time.Time, data []byte) error {
	w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: at})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func put(z *zip.Writer, name string, at time.Time, data []byte) error {
	w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// safeZipName keeps a name to one path element of printable characters.
func safeZipName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '-'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	return name
}

// declarationOf lists, for each table that holds something on the person,
// its personal columns with their category, purpose, basis and what erasure
// does: the machine-readable "why" of data.json.
func declarationOf(counts map[string]int) []privacy.Field {
	var out []privacy.Field
	for _, f := range privacy.Fields {
		if counts[f.Table] > 0 && f.Category != privacy.Credentials {
			out = append(out, f)
		}
	}
	return out
}

// summaryPDF writes the human-readable summary in the account's language.
func (s *Service) summaryPDF(acc account.Account, st sales.Settings, r privacy.Request, people []crm.Contact, counts map[string]int, now time.Time) ([]byte, error) {
	lang := acc.Locale
	if lang != "en" {
		lang = "fr"
	}
	w := summaryWords[lang]
	loc := acc.Location()
	person := pdf.Party{Title: w["person"], Name: r.Name}
	for _, c := range people {
		if c.ErasedAt == nil {
			person.Lines = append(person.Lines, strings.TrimSpace(c.Email+" "+c.Phone))
		}
	}
	sum := pdf.Summary{
		Title: w["title"], Number: strconv.FormatInt(r.ID, 10),
		Facts:      [][2]string{{w["received"], r.ReceivedOn}, {w["date"], now.In(loc).Format(time.DateOnly)}},
		Controller: pdf.Party{Title: w["controller"], Name: sellerName(acc), Lines: addressLines(acc.Address)},
		Person:     person,
		Intro:      []string{w["intro"]},
		Columns: []pdf.Column{{Title: w["what"], Width: 3}, {Title: w["count"], Width: 1.4, Align: "R"},
			{Title: w["why"], Width: 3}, {Title: w["basis"], Width: 2}, {Title: w["how_long"], Width: 3}},
		Notes: []string{w["recipients"], w["rights"], w["complain"]},
	}
	if acc.Email != "" {
		sum.Notes = append(sum.Notes, w["contact"]+" "+acc.Email)
	}
	for _, module := range []string{"contacts", "support", "sales", "purchases", "mail", "activity", "privacy"} {
		var sec pdf.SummarySection
		sec.Title = w["m_"+module]
		for _, table := range tablesOrder {
			if moduleOfTable[table] != module || counts[table] == 0 {
				continue
			}
			fields := privacy.FieldsOf(table)
			if len(fields) == 0 {
				continue
			}
			f := fields[0]
			var cats []string
			seen := map[privacy.Category]bool{}
			for _, x := range fields {
				if !seen[x.Category] && x.Category != privacy.Credentials {
					seen[x.Category] = true
					cats = append(cats, w["c_"+string(x.Category)])
				}
			}
			sec.Rows = append(sec.Rows, []string{w["t_"+table] + " (" + strings.Join(cats, ", ") + ")",
				strconv.Itoa(counts[table]), w["p_"+string(f.Purpose)], w["b_"+string(f.Basis)], retentionText(f, lang)})
		}
		if len(sec.Rows) > 0 {
			sum.Sections = append(sum.Sections, sec)
		}
	}
	var buf bytes.Buffer
	err := pdf.RenderSummary(&buf, sum, pdf.Options{Layout: st.Layout, Accent: st.Accent, Locale: lang, Created: now})
	return buf.Bytes(), err
}

var tablesOrder = []string{"contacts", "contact_addresses", "conversations", "cases", "documents", "document_lines",
	"payments", "dunning_reminders", "attachments", "product_suppliers", "mail_log", "activity", "privacy_requests"}

// retentionText says how long a field's records are kept, from the
// default policy of its purpose.
func retentionText(f privacy.Field, lang string) string {
	key := map[privacy.Purpose]string{
		privacy.CustomerManagement: privacy.Clients, privacy.SupplierManagement: privacy.Suppliers,
		privacy.Accounting: privacy.AccountingDocs, privacy.CustomerService: privacy.Clients,
		privacy.Marketing: privacy.Prospects, privacy.RightsRequests: privacy.RightsRequestsPolicy,
	}[f.Purpose]
	if f.Table == "mail_log" {
		key = privacy.MailLog
	}
	if f.Table == "activity" {
		key = privacy.ActivityLog
	}
	p, ok := privacy.DefaultPolicy(key)
	if !ok {
		return ""
	}
	t := p.Total()
	var parts []string
	unit := map[string][3]string{"fr": {"an(s)", "mois", "jour(s)"}, "en": {"year(s)", "month(s)", "day(s)"}}[lang]
	for i, n := range []int{t.Years, t.Months, t.Days} {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, unit[i]))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "0")
	}
	return strings.Join(parts, " ") + " " + summaryWords[lang]["from_"+p.From]
}

var summaryWords = map[string]map[string]string{
	"fr": {
		"title": "VOS DONNÉES PERSONNELLES", "person": "Personne concernée", "controller": "Responsable du traitement",
		"received": "Demande reçue le", "date": "Réponse du",
		"intro": "Voici les données personnelles que nous détenons sur vous, pourquoi, sur quelle base légale et combien de temps nous les gardons (RGPD, article 15). Le fichier data.json joint les contient toutes sous une forme lisible par une machine (article 20) ; vos documents sont dans le dossier documents.",
		"what":  "Données", "count": "Nombre", "why": "Finalité", "basis": "Base légale", "how_long": "Durée de conservation",
		"recipients": "Destinataires : les membres habilités de notre entreprise ; notre expert-comptable et l'administration fiscale pour les pièces comptables ; nos sous-traitants techniques (hébergement, envoi d'e-mails). Aucun transfert hors de l'Union européenne.",
		"rights":     "Vos droits : accès, rectification, effacement, limitation, opposition (notamment à la prospection) et portabilité. Les pièces comptables sont conservées 10 ans même en cas d'effacement (Code de commerce L123-22), avec un accès restreint.",
		"complain":   "Vous pouvez introduire une réclamation auprès de la CNIL : www.cnil.fr/fr/plaintes, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07.",
		"contact":    "Pour exercer vos droits :",
		"m_contacts": "Contacts", "m_support": "Service client", "m_sales": "Ventes et règlements", "m_purchases": "Achats",
		"m_mail": "E-mails", "m_activity": "Journal d'activité", "m_privacy": "Demandes d'exercice des droits",
		"t_contacts": "Fiche contact", "t_contact_addresses": "Adresses", "t_conversations": "Échanges", "t_cases": "Dossiers SAV",
		"t_documents": "Documents commerciaux", "t_document_lines": "Lignes de documents", "t_payments": "Règlements",
		"t_dunning_reminders": "Relances", "t_attachments": "Pièces jointes", "t_product_suppliers": "Références fournisseur",
		"t_mail_log": "E-mails envoyés", "t_activity": "Entrées du journal", "t_privacy_requests": "Demandes",
		"t_idempotency_keys": "Réponses d'API mémorisées", "t_contact_views": "Recherches enregistrées",
		"c_identity": "identité", "c_contact": "coordonnées", "c_birth": "date de naissance", "c_bank": "coordonnées bancaires",
		"c_professional": "vie professionnelle", "c_purchase_history": "historique commercial", "c_notes": "notes",
		"c_consent": "consentement", "c_connection": "connexion", "c_device_id": "identifiant d'appareil",
		"p_customer_management": "Gestion de la relation client", "p_supplier_management": "Gestion des fournisseurs",
		"p_accounting": "Obligations comptables", "p_customer_service": "Service client", "p_marketing": "Prospection commerciale",
		"p_access_control": "Gestion des accès", "p_traceability": "Traçabilité et sécurité", "p_rights_requests": "Traitement des demandes d'exercice des droits",
		"b_contract": "Contrat", "b_legal_obligation": "Obligation légale", "b_legitimate_interest": "Intérêt légitime", "b_consent": "Consentement",
		"from_last_contact": "après le dernier contact", "from_end_of_relationship": "après la fin de la relation",
		"from_document_date": "après la date du document", "from_entry_date": "après l'entrée", "from_expiry": "après l'expiration",
		"from_closure": "après la clôture",
	},
	"en": {
		"title": "YOUR PERSONAL DATA", "person": "Data subject", "controller": "Controller",
		"received": "Request received", "date": "Answered",
		"intro": "This is the personal data we hold about you, why, on which legal basis and how long we keep it (GDPR Article 15). The attached data.json holds all of it in a machine-readable form (Article 20); your documents are in the documents folder.",
		"what":  "Data", "count": "Count", "why": "Purpose", "basis": "Legal basis", "how_long": "Kept for",
		"recipients": "Recipients: our business's authorised staff; our accountant and the tax authorities for accounting records; our technical processors (hosting, e-mail delivery). No transfer outside the European Union.",
		"rights":     "Your rights: access, rectification, erasure, restriction, objection (in particular to marketing) and portability. Accounting records are kept 10 years even after erasure (French Commercial Code L123-22), with restricted access.",
		"complain":   "You may lodge a complaint with the CNIL: www.cnil.fr/en/complaints, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France.",
		"contact":    "To exercise your rights:",
		"m_contacts": "Contacts", "m_support": "Customer service", "m_sales": "Sales and payments", "m_purchases": "Purchases",
		"m_mail": "E-mails", "m_activity": "Activity log", "m_privacy": "Rights requests",
		"t_contacts": "Contact record", "t_contact_addresses": "Addresses", "t_conversations": "Exchanges", "t_cases": "Support cases",
		"t_documents": "Sales documents", "t_document_lines": "Document lines", "t_payments": "Payments",
		"t_dunning_reminders": "Reminders", "t_attachments": "Attached files", "t_product_suppliers": "Supplier references",
		"t_mail_log": "E-mails sent", "t_activity": "Log entries", "t_privacy_requests": "Requests",
		"t_idempotency_keys": "Cached API answers", "t_contact_views": "Saved searches",
		"c_identity": "identity", "c_contact": "contact details", "c_birth": "date of birth", "c_bank": "bank details",
		"c_professional": "professional", "c_purchase_history": "purchase history", "c_notes": "notes",
		"c_consent": "consent", "c_connection": "connection", "c_device_id": "device id",
		"p_customer_management": "Customer management", "p_supplier_management": "Supplier management",
		"p_accounting": "Accounting obligations", "p_customer_service": "Customer service", "p_marketing": "Marketing",
		"p_access_control": "Access control", "p_traceability": "Traceability and security", "p_rights_requests": "Handling rights requests",
		"b_contract": "Contract", "b_legal_obligation": "Legal obligation", "b_legitimate_interest": "Legitimate interest", "b_consent": "Consent",
		"from_last_contact": "after the last contact", "from_end_of_relationship": "after the end of the relationship",
		"from_document_date": "after the document's date", "from_entry_date": "after the entry", "from_expiry": "after expiry",
		"from_closure": "after closing",
	},
}
