// Package demo fills an instance with a realistic French demo business so
// that a newcomer sees Comptoir at work in one command. Later modules add
// their own demo records here (contacts, catalog, documents), always through
// the service layer so that demo data obeys the same rules as real data.
package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"math/big"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/pdf"
	"github.com/comptoir/comptoir/privacy"
	salesdoc "github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/vat"
)

// Email is the demo owner's login. The .example domain is reserved, so no
// mail can ever reach a real person.
const Email = "demo@comptoir.example"

// Login tells how to log in to the demo account.
type Login struct {
	AccountName string
	Email       string
	Password    string
}

// Seed creates the demo account if it does not exist. Either way it gives
// the demo owner a fresh random password and returns it: there are no
// default credentials, even for the demo.
func Seed(ctx context.Context, svc *service.Service) (Login, error) {
	pw, err := newPassword()
	if err != nil {
		return Login{}, err
	}
	a := business()
	login := Login{AccountName: a.Name, Email: Email, Password: pw}
	_, _, err = svc.CreateAccount(ctx, service.NewAccount{Account: a, OwnerEmail: Email, OwnerName: "Camille Martin", OwnerPassword: pw, OwnerVerified: true})
	if errs.Is(err, errs.Conflict) {
		return login, svc.SetPassword(ctx, Email, pw)
	}
	if err != nil {
		return login, err
	}
	return login, fill(ctx, svc)
}

// business is the demo company: a bulk grocery in Bayonne.
func business() account.Account {
	a := account.New("L'Épicerie du Bocal")
	a.LegalForm = "SAS"
	a.SIREN = "853217644"
	a.SIRET = "85321764400014"
	a.VATNumber = "FR66853217644"
	a.ShareCapital = 1_500_000
	a.RCSCity = "Bayonne"
	a.Address = account.Address{Line1: "12 rue Port-Neuf", PostalCode: "64100", City: "Bayonne", Country: "FR"}
	a.Email = "bonjour@epicerie-du-bocal.example"
	a.Phone = "05 59 00 00 00"
	a.Website = "https://epicerie-du-bocal.example"
	return a
}

// fill adds the demo records of every module to the new demo account.
func fill(ctx context.Context, svc *service.Service) error {
	id, err := svc.AccountIDByOwner(ctx, Email)
	if err != nil {
		return err
	}
	ctx = account.WithID(ctx, id)
	for _, b := range []account.BankAccountInput{
		bank("Compte courant", "L'Épicerie du Bocal", "FR7630006000011234567890189", "AGRIFRPP", true),
		bank("Livret professionnel", "L'Épicerie du Bocal", "FR9114508000409876543210173", "CCOPFRPP", false),
	} {
		if _, err := svc.CreateBankAccount(ctx, b); err != nil {
			return err
		}
	}
	var restaurant, oil, mill crm.Contact
	for _, c := range contacts() {
		created, err := svc.CreateContact(ctx, c)
		if err != nil {
			return err
		}
		switch created.CompanyName {
		case "Restaurant Le Chistera":
			restaurant = created
		case "Huilerie du Béarn":
			oil = created
		case "Moulin de l'Adour":
			mill = created
		}
	}
	// The restaurant has a chef and a kitchen door to deliver to.
	chef := crm.Input{Civility: ptr("Mme"), FirstName: ptr("Maïté"), LastName: ptr("Irigoyen"), Email: ptr("chef@chistera.example"),
		IsClient: ptr(true), CompanyID: &restaurant.ID}
	if _, err := svc.CreateContact(ctx, chef); err != nil {
		return err
	}
	_, err = svc.AddAddress(ctx, restaurant.ID, crm.AddressInput{Kind: ptr("delivery"), Label: ptr("Porte des cuisines"),
		Line1: ptr("12 rue des Tonneliers"), PostalCode: ptr("64100"), City: ptr("Bayonne"), IsDefault: ptr(true)})
	if err != nil {
		return err
	}
	refs := map[string]int64{}
	for _, p := range products() {
		created, err := svc.CreateProduct(ctx, p)
		if err != nil {
			return err
		}
		refs[created.Reference] = created.ID
	}
	if err := sales(ctx, svc, restaurant.ID); err != nil {
		return err
	}
	if err := purchases(ctx, svc, oil.ID, mill.ID, refs); err != nil {
		return err
	}
	return register(ctx, svc)
}

// register completes the register of processing activities the system
// generates with what only the business knows: who represents it, its
// DPO, and a paper archive kept beside the software.
func register(ctx context.Context, svc *service.Service) error {
	v, err := svc.PrivacyRegister(ctx)
	if err != nil {
		return err
	}
	r := v.Register
	r.Controller.LastName, r.Controller.FirstName = "Martin", "Camille"
	r.DPO = privacy.Contact{LastName: "Etcheverry", FirstName: "Jon", Address: "12 rue Port-Neuf, 64100 Bayonne",
		Email: "dpo@epicerie-du-bocal.example", Phone: "05 59 00 00 01"}
	r.Activities = append(r.Activities, privacy.Sheet{Key: "paper", Name: "Archives papier",
		Designation: "Archives papier (bons de livraison signés, factures fournisseurs reçues par courrier)",
		Purposes:    []string{"Conserver les bons de livraison signés par les clients", "Classer les factures fournisseurs reçues par courrier"},
		LegalBasis:  "Obligation légale (art. 6.1.c RGPD)", Subjects: []string{"Clients", "Fournisseurs"},
		Data:            []privacy.DataItem{{Category: "Identité", Detail: "nom, prénom, signature"}, {Category: "Coordonnées", Detail: "adresse de livraison"}},
		SensitiveDetail: "Aucune donnée sensible n'est demandée ni enregistrée.",
		Retention: []privacy.Retention{{Category: "Pièces comptables", Text: "10 ans à compter de la date du document",
			Policy: privacy.AccountingDocs, Period: &privacy.Period{Years: 10}}},
		Recipients:    privacy.Recipients{Internal: []string{"Gérance"}, External: []string{"Cabinet comptable"}},
		TransfersText: "Aucune donnée n'est transmise en dehors de l'Union européenne.",
		Security:      []string{"Armoire fermée à clé dans le bureau", "Destruction par un prestataire agréé à la fin de la durée de conservation"}})
	_, err = svc.SaveRegister(ctx, r, "demo")
	return err
}

// purchases is the shop's side with its suppliers: olive oil ordered from
// the Béarn, received in two deliveries, billed and half paid; a flour
// bill due within the week; a purchase order still in draft.
func purchases(ctx context.Context, svc *service.Service, oil, mill int64, refs map[string]int64) error {
	if _, err := svc.SetProductSupplier(ctx, refs["VR-HUI-OLI"], catalog.Supplier{ContactID: oil, Reference: "HB-VIERGE-5L", Price: 940}); err != nil {
		return err
	}
	db := svc.DB()
	daysAgo := func(n int) { db.SetClock(func() time.Time { return time.Now().AddDate(0, 0, -n) }) }
	defer db.SetClock(time.Now)
	daysAgo(30)
	po, err := svc.CreateDocument(ctx, salesdoc.Input{Kind: ptr(salesdoc.PurchaseOrder), ContactID: &oil,
		DeliveryDate: ptr(time.Now().AddDate(0, 0, -23).Format(time.DateOnly)),
		Lines:        &[]salesdoc.Line{{ProductID: refs["VR-HUI-OLI"], Quantity: 60_000}}})
	if err != nil {
		return err
	}
	if po, err = svc.Issue(ctx, po.ID); err != nil {
		return err
	}
	if _, err := svc.Confirm(ctx, po.ID, "AR-2291"); err != nil {
		return err
	}
	daysAgo(24)
	first, err := svc.Derive(ctx, po.ID, service.DeriveInput{Kind: salesdoc.Receipt})
	if err != nil {
		return err
	}
	first.Lines[0].Quantity = 40_000
	first.Notes = "Deux bidons arrivés cabossés, contenu intact."
	if _, err := svc.UpdateDocument(ctx, first.ID, salesdoc.Input{Lines: &first.Lines, Notes: &first.Notes}); err != nil {
		return err
	}
	if _, err := svc.Issue(ctx, first.ID); err != nil {
		return err
	}
	daysAgo(20)
	rest, err := svc.Derive(ctx, po.ID, service.DeriveInput{Kind: salesdoc.Receipt})
	if err != nil {
		return err
	}
	if _, err := svc.Issue(ctx, rest.ID); err != nil {
		return err
	}
	bill, err := svc.Derive(ctx, po.ID, service.DeriveInput{Kind: salesdoc.Bill, Received: true})
	if err != nil {
		return err
	}
	date := time.Now().AddDate(0, 0, -20).Format(time.DateOnly)
	if _, err := svc.UpdateDocument(ctx, bill.ID, salesdoc.Input{SupplierNumber: ptr("HB-2026-0412"), IssueDate: &date}); err != nil {
		return err
	}
	if bill, err = svc.Issue(ctx, bill.ID); err != nil {
		return err
	}
	if err := attachOriginal(ctx, svc, bill.ID, "HB-2026-0412.pdf"); err != nil {
		return err
	}
	daysAgo(10)
	if _, err := svc.RecordPayment(ctx, service.PaymentInput{Direction: salesdoc.Out, DocumentID: bill.ID,
		Date: time.Now().AddDate(0, 0, -10).Format(time.DateOnly), Amount: bill.GrossTotal / 2, Method: "transfer", Reference: "VIR HUILERIE 1/2"}); err != nil {
		return err
	}
	daysAgo(25)
	flour := []salesdoc.Line{{Kind: salesdoc.Item, Reference: "MA-T80-25", Description: "Farine de blé T80 bio, sac de 25 kg", Unit: "piece",
		Quantity: 8_000, UnitPrice: 3150, VATRate: vat.Reduced}}
	date = time.Now().AddDate(0, 0, -25).Format(time.DateOnly)
	due := time.Now().AddDate(0, 0, 5).Format(time.DateOnly)
	fb, err := svc.CreateDocument(ctx, salesdoc.Input{Kind: ptr(salesdoc.Bill), ContactID: &mill, SupplierNumber: ptr("MA-F-88120"),
		IssueDate: &date, DueDate: &due, Lines: &flour})
	if err != nil {
		return err
	}
	if _, err := svc.Issue(ctx, fb.ID); err != nil {
		return err
	}
	db.SetClock(time.Now)
	_, err = svc.CreateDocument(ctx, salesdoc.Input{Kind: ptr(salesdoc.PurchaseOrder), ContactID: &mill, Lines: &flour})
	return err
}

// sales is the restaurant's story over the last six weeks: an accepted
// quote, its order shipped in two deliveries, invoiced and partly paid; a
// second invoice long past due; a quote waiting for an answer.
func sales(ctx context.Context, svc *service.Service, client int64) error {
	line := func(ref, desc, unit string, qty measure.Quantity, price money.Amount, rate vat.Rate) salesdoc.Line {
		return salesdoc.Line{Kind: salesdoc.Item, Reference: ref, Description: desc, Unit: unit, Quantity: qty, UnitPrice: price, VATRate: rate}
	}
	lines := []salesdoc.Line{
		{Kind: salesdoc.Section, Description: "Épicerie en vrac"},
		line("VR-CAF-ETH", "Café en grains Éthiopie Sidamo", "kg", 12_000, 2490, vat.Reduced),
		line("VR-HUI-OLI", "Huile d'olive vierge extra", "l", 20_000, 1650, vat.Reduced),
		{Kind: salesdoc.Section, Description: "Services"},
		line("SRV-CONSEIL", "Conseil en approvisionnement vrac", "hour", 2500, 6000, vat.Standard),
		line("SRV-LIVRAISON", "Livraison Côte basque", "flat", 1000, 1200, vat.Standard),
	}
	// The story took the last weeks: documents dated in the past leave an
	// invoice overdue, for the reminders and the dashboard to show.
	db := svc.DB()
	daysAgo := func(n int) { db.SetClock(func() time.Time { return time.Now().AddDate(0, 0, -n) }) }
	defer db.SetClock(time.Now)
	daysAgo(45)
	issue := func(d salesdoc.Document, err error) (salesdoc.Document, error) {
		if err != nil {
			return d, err
		}
		return svc.Issue(ctx, d.ID)
	}
	quote, err := issue(svc.CreateDocument(ctx, salesdoc.Input{Kind: ptr(salesdoc.Quote), ContactID: &client,
		Title: ptr("Passage au vrac de la réserve"), Operation: ptr(salesdoc.Mixed), Lines: &lines}))
	if err != nil {
		return err
	}
	daysAgo(44)
	if _, err := svc.Decide(ctx, quote.ID, salesdoc.Accepted); err != nil {
		return err
	}
	order, err := issue(svc.Derive(ctx, quote.ID, service.DeriveInput{Kind: salesdoc.Order}))
	if err != nil {
		return err
	}
	daysAgo(40)
	first, err := svc.Derive(ctx, order.ID, service.DeriveInput{Kind: salesdoc.Delivery})
	if err != nil {
		return err
	}
	half := []salesdoc.Line{}
	for _, l := range first.Lines {
		if l.Kind == salesdoc.Item && l.Unit == "kg" {
			l.Quantity /= 2
		}
		half = append(half, l)
	}
	if _, err := issue(svc.UpdateDocument(ctx, first.ID, salesdoc.Input{Lines: &half})); err != nil {
		return err
	}
	old := []salesdoc.Line{line("VR-RIZ-BAS", "Riz basmati complet", "kg", 25_000, 540, vat.Reduced)}
	if _, err := issue(svc.CreateDocument(ctx, salesdoc.Input{Kind: ptr(salesdoc.Invoice), ContactID: &client,
		Operation: ptr(salesdoc.Goods), PaymentTerms: ptr("0"), Lines: &old})); err != nil {
		return err
	}
	daysAgo(35)
	if _, err := issue(svc.Derive(ctx, order.ID, service.DeriveInput{Kind: salesdoc.Delivery})); err != nil {
		return err
	}
	inv, err := issue(svc.Derive(ctx, order.ID, service.DeriveInput{Kind: salesdoc.Invoice, Delivered: true}))
	if err != nil {
		return err
	}
	if _, err := svc.RecordPayment(ctx, service.PaymentInput{ContactID: client, DocumentID: inv.ID, Date: inv.IssueDate,
		Amount: inv.GrossTotal / 2, Method: "transfer", Reference: "VIR CHISTERA"}); err != nil {
		return err
	}
	db.SetClock(time.Now)
	next := []salesdoc.Line{line("BOC-1L", "Bocal en verre 1 L", "piece", 60_000, 350, vat.Standard)}
	_, err = issue(svc.CreateDocument(ctx, salesdoc.Input{Kind: ptr(salesdoc.Quote), ContactID: &client,
		Title: ptr("Bocaux pour la cuisine"), Lines: &next}))
	return err
}

// products are the demo business's catalog: bulk groceries by weight or
// volume, a few pieces, and the services it sells to restaurants.
func products() []catalog.Input {
	item := func(ref, name, unit string, price, cost money.Amount, rate vat.Rate, barcode, description string) catalog.Input {
		return catalog.Input{Reference: &ref, Name: &name, Unit: &unit, Price: &price, PurchasePrice: &cost, VATRate: &rate,
			Barcode: &barcode, Description: &description}
	}
	return []catalog.Input{
		item("VR-CAF-ETH", "Café en grains Éthiopie Sidamo", "kg", 2490, 1420, vat.Reduced, "", "Torréfié à Bayonne, arabica lavé."),
		item("VR-HUI-OLI", "Huile d'olive vierge extra", "l", 1650, 980, vat.Reduced, "", "Première pression à froid, Espagne."),
		item("VR-RIZ-BAS", "Riz basmati complet", "kg", 540, 310, vat.Reduced, "", ""),
		item("VR-LEN-VER", "Lentilles vertes du Puy", "kg", 690, 420, vat.Reduced, "", "AOP."),
		item("BOC-1L", "Bocal en verre 1 L", "piece", 350, 160, vat.Standard, "3760123456784", "Consigné 0,50 €."),
		item("SAV-ALEP", "Savon d'Alep 200 g", "piece", 625, 290, vat.Standard, "96385074", ""),
		item("SRV-CONSEIL", "Conseil en approvisionnement vrac", "hour", 6000, 0, vat.Standard, "", "Pour les restaurants et les épiceries qui passent au vrac."),
		item("SRV-LIVRAISON", "Livraison Côte basque", "flat", 1200, 0, vat.Standard, "", "Bayonne, Anglet, Biarritz."),
	}
}

// contacts are the demo business's clients, prospects and suppliers.
func contacts() []crm.Input {
	person := func(civ, first, last, email, phone, city, postal string, client bool, tags ...string) crm.Input {
		source := "salon bio de Biarritz"
		if client {
			source = "boutique"
		}
		return crm.Input{Kind: ptr(crm.Person), Civility: &civ, FirstName: &first, LastName: &last, Email: &email, Phone: &phone,
			Address: &account.Address{City: city, PostalCode: postal, Country: "FR"}, IsClient: &client, IsProspect: ptr(!client),
			Tags: &tags, Source: &source}
	}
	company := func(name, email, street, city, postal, siret string, supplier bool, tags ...string) crm.Input {
		return crm.Input{Kind: ptr(crm.Company), CompanyName: &name, Email: &email, SIRET: &siret,
			Address: &account.Address{Line1: street, City: city, PostalCode: postal, Country: "FR"}, IsSupplier: &supplier, IsClient: ptr(!supplier), Tags: &tags}
	}
	supplier := func(c crm.Input, iban, bic string) crm.Input {
		c.IBAN, c.BIC = &iban, &bic
		return c
	}
	return []crm.Input{
		person("Mme", "Hélène", "Dupré", "helene.dupre@example.fr", "06 12 34 56 78", "Bayonne", "64100", true, "fidèle", "bio"),
		person("M.", "Jérôme", "Lefèvre", "jerome.lefevre@example.fr", "06 98 76 54 32", "Anglet", "64600", true, "vrac"),
		person("Mme", "Léa", "Martin", "lea.martin@example.fr", "07 11 22 33 44", "Biarritz", "64200", false, "zéro déchet"),
		person("M.", "Iñaki", "Etxeberria", "inaki@example.fr", "06 55 44 33 22", "Bayonne", "64100", true),
		supplier(company("Moulin de l'Adour", "commandes@moulin-adour.example", "Route du Moulin", "Dax", "40100", "73282932000074", true, "farines"),
			"FR7610107001011234567890129", "BREDFRPP"),
		supplier(company("Huilerie du Béarn", "contact@huilerie-bearn.example", "8 avenue des Oliviers", "Pau", "64000", "55210055400013", true, "huiles"),
			"FR7630004000031234567890143", "BNPAFRPP"),
		company("Restaurant Le Chistera", "compta@chistera.example", "42 quai Amiral Jauréguiberry", "Bayonne", "64100", "80123456800005", false, "restauration"),
	}
}

func ptr[T any](v T) *T { return &v }

func bank(label, holder, iban, bic string, def bool) account.BankAccountInput {
	return account.BankAccountInput{Label: &label, Holder: &holder, IBAN: &iban, BIC: &bic, IsDefault: &def}
}

// newPassword returns 16 random characters from an unambiguous alphabet,
// with at least one letter and one digit as the password policy requires.
func newPassword() (string, error) {
	const letters, digits = "abcdefghjkmnpqrstuvwxyz", "23456789"
	const all = letters + digits
	for {
		b := make([]byte, 16)
		for i := range b {
			n, err := rand.Int(rand.Reader, big.NewInt(int64(len(all))))
			if err != nil {
				return "", err
			}
			b[i] = all[n.Int64()]
		}
		s := string(b)
		if containsAny(s, letters) && containsAny(s, digits) {
			return s, nil
		}
	}
}

func containsAny(s, chars string) bool {
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(chars); j++ {
			if s[i] == chars[j] {
				return true
			}
		}
	}
	return false
}

// attachOriginal attaches to a supplier's bill the PDF the supplier sent,
// when the instance keeps attached files.
func attachOriginal(ctx context.Context, svc *service.Service, id int64, name string) error {
	if svc.Files.Dir == "" {
		return nil
	}
	var b bytes.Buffer
	err := pdf.Render(&b, pdf.Document{Title: "FACTURE", Number: "HB-2026-0412",
		Seller: pdf.Party{Name: "Huilerie du Béarn", Lines: []string{"12 chemin des Oliviers", "64000 Pau"}},
		Buyer:  pdf.Party{Title: "Client", Name: "L'Épicerie du Bocal"},
		Notes:  []string{"Huile d'olive vierge extra, livrée en deux fois."}}, pdf.Options{})
	if err != nil {
		return err
	}
	_, err = svc.AttachFile(ctx, id, name, &b)
	return err
}
