package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

const contactsPerPage = 50

type contactsPage struct {
	Page
	Items  []crm.Contact
	Filter contactQuery
	Errors formErrors
	// Next is the query string of the next page, "" on the last.
	Next template.URL
	// Views are the viewer's saved views; ViewName and ViewErrors the
	// "save this view" form that failed.
	Views      []crm.SavedView
	ViewName   string
	ViewErrors formErrors
}

type contactPage struct {
	Page
	Form crm.Contact
	// Timeline is the contact's conversations; ConversationErrors the
	// problems of the entry being added.
	Timeline           []crm.Conversation
	ConversationErrors formErrors
	Cases              []crm.Case
	Kinds              []string
	Tags               string
	Errors             formErrors
	History            []activity.Entry
	Civilities         []string
	SeesBank           bool
	SeesNotes          bool
	// Addresses are the contact's extra addresses; AddressErrors the
	// problems of the form of AddressFailed (0: the new address's form).
	Addresses     []crm.Address
	AddressKinds  []string
	AddressErrors formErrors
	AddressFailed int64
	NewAddress    crm.Address
	// Companies are offered to attach a person to; Company is the
	// person's, People a company's.
	Companies []crm.Contact
	Company   crm.Contact
	People    []crm.Contact
	// Sales is the client's documents and reminders, for those who see sales.
	Sales *clientSales
	// Purchases is a supplier's documents, the payments made to them and
	// what is owed, for those who see purchases.
	Purchases *supplierPurchases
	// DocPaths are the pages of the documents the timeline names, by id
	// ("" for one out of the viewer's sight).
	DocPaths map[int64]string
	// PurchaseDocs are those of them that are purchases: what a supplier
	// sent or was paid is not a "document sent".
	PurchaseDocs map[int64]bool
}

func (s *Server) contactList(w http.ResponseWriter, r *http.Request) error {
	return s.showContacts(w, r, http.StatusOK, &contactsPage{})
}

// showContacts renders the list for the filters of r's query string; p
// may carry a failed "save this view" form.
func (s *Server) showContacts(w http.ResponseWriter, r *http.Request, status int, p *contactsPage) error {
	var fe errs.Fields
	f, cq := contactFilter(r, &fe)
	p.Page, p.Filter = s.basePage(r), cq
	views, err := s.svc.ContactViews(r.Context())
	if err != nil {
		return err
	}
	p.Views = views
	if err := fe.Err("web.contactList"); err != nil {
		p.Errors = fieldErrors(err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "contacts", p)
		return nil
	}
	f.AfterKey, f.Limit = r.URL.Query().Get("after_key"), contactsPerPage+1
	f.AfterID, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	items, err := s.svc.Contacts(r.Context(), f)
	if err != nil {
		return err
	}
	if len(items) > contactsPerPage {
		items = items[:contactsPerPage]
		last := items[len(items)-1]
		next := cq.Values()
		next.Set("after", strconv.FormatInt(last.ID, 10))
		next.Set("after_key", f.KeyOf(last))
		p.Next = template.URL(next.Encode()) // escaped by Encode
	}
	p.Items = items
	// Search as you type: htmx asks for this same page and keeps
	// #contact-rows, and #contact-views out of band.
	s.renderPage(w, r, status, "contacts", p)
	return nil
}

func (s *Server) contactPageData(r *http.Request, c crm.Contact) *contactPage {
	rights := access.From(r.Context())
	return &contactPage{Page: s.basePage(r), Form: c, Tags: strings.Join(c.Tags, ", "), Civilities: crm.Civilities,
		SeesBank: rights.Sees(access.Bank), SeesNotes: rights.Sees(access.Notes), Kinds: crm.ConversationKinds,
		AddressKinds: crm.AddressKinds, NewAddress: crm.Address{Kind: "delivery", Country: "FR"}}
}

// withCompanies adds the companies a person can be attached to. The
// person's own company is always among them, even beyond the first 500 or
// out of the actor's sight, so that saving the form keeps it.
func (s *Server) withCompanies(r *http.Request, p *contactPage) (*contactPage, error) {
	if p.Form.Kind == crm.Company {
		return p, nil
	}
	list, err := s.svc.Contacts(r.Context(), crm.Filter{Kind: crm.Company, Limit: 500})
	if err != nil {
		return nil, err
	}
	found := p.Form.CompanyID == 0
	for _, c := range list {
		found = found || c.ID == p.Form.CompanyID
	}
	if !found {
		c, err := s.svc.Contact(r.Context(), p.Form.CompanyID)
		if errs.Is(err, errs.NotFound) {
			c, err = crm.Contact{ID: p.Form.CompanyID, Kind: crm.Company, CompanyName: "#" + strconv.FormatInt(p.Form.CompanyID, 10)}, nil
		}
		if err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	p.Companies = list
	return p, nil
}

func (s *Server) contactNew(w http.ResponseWriter, r *http.Request) error {
	if err := access.Require(r.Context(), access.Contacts, access.Create); err != nil {
		return err
	}
	c := crm.Contact{Kind: crm.Person, IsProspect: true, Address: account.Address{Country: "FR"}}
	if r.URL.Query().Get("role") == "supplier" {
		// From a purchase's editor: a supplier, most often a company.
		c.Kind, c.IsProspect, c.IsSupplier = crm.Company, false, true
	}
	p, err := s.withCompanies(r, s.contactPageData(r, c))
	if err != nil {
		return err
	}
	return s.render(w, r, "contact", p)
}

func (s *Server) contactShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.svc.Contact(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.contactDetail(r, c)
	if err != nil {
		return err
	}
	return s.render(w, r, "contact", p)
}

// contactDetail is a contact's page: the record, its addresses, its
// company or its people, its timeline and, for those who see the log, its
// history.
func (s *Server) contactDetail(r *http.Request, c crm.Contact) (*contactPage, error) {
	p, err := s.withCompanies(r, s.contactPageData(r, c))
	if err != nil {
		return nil, err
	}
	if p.Addresses, err = s.svc.Addresses(r.Context(), c.ID); err != nil {
		return nil, err
	}
	if c.CompanyID != 0 {
		// A company the actor may not see is simply not linked.
		if p.Company, err = s.svc.Contact(r.Context(), c.CompanyID); err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	if c.Kind == crm.Company {
		if p.People, err = s.svc.People(r.Context(), c.ID); err != nil {
			return nil, err
		}
	}
	if p.Timeline, err = s.svc.Conversations(r.Context(), c.ID); err != nil {
		return nil, err
	}
	if p.Cases, err = s.svc.ContactCases(r.Context(), c.ID); err != nil {
		return nil, err
	}
	if p.Can("activity", "view") {
		if p.History, err = s.svc.RecordHistory(r.Context(), access.Contacts, "contact", c.ID); err != nil {
			return nil, err
		}
	}
	if err := s.addClientSales(r, p, c); err != nil {
		return nil, err
	}
	if err := s.addSupplierPurchases(r, p, c); err != nil {
		return nil, err
	}
	s.timelineLinks(r, p)
	return p, nil
}

// contactInput reads the contact form; fields the role hides are not read.
func contactInput(r *http.Request) crm.Input {
	v := func(k string) *string { s := strings.TrimSpace(r.PostFormValue(k)); return &s }
	b := func(k string) *bool { on := r.PostFormValue(k) != ""; return &on }
	tags := crm.ParseTags(r.PostFormValue("tags"))
	in := crm.Input{Kind: v("kind"), Civility: v("civility"), LastName: v("last_name"), FirstName: v("first_name"),
		CompanyName: v("company_name"), ShopName: v("shop_name"), Email: v("email"), Phone: v("phone"),
		Address: &account.Address{Line1: *v("address.line1"), Line2: *v("address.line2"), PostalCode: *v("address.postal_code"),
			City: *v("address.city"), Country: *v("address.country")},
		BirthDate: v("birth_date"), SIREN: v("siren"), SIRET: v("siret"), VATNumber: v("vat_number"),
		IsProspect: b("is_prospect"), IsClient: b("is_client"), IsSupplier: b("is_supplier"), Tags: &tags,
		Source: v("source"), MarketingConsent: b("marketing_consent"), ConsentProof: v("consent_proof"), Ended: b("ended")}
	if company := r.PostFormValue("company_id"); company != "" {
		id, err := strconv.ParseInt(company, 10, 64)
		if err != nil {
			id = -1 // not a company of the account: the service says so
		}
		if *in.Kind == crm.Company {
			id = 0 // a company works for no one
		}
		in.CompanyID = &id
	}
	if access.From(r.Context()).Sees(access.Bank) {
		in.IBAN, in.BIC = v("iban"), v("bic")
	}
	if access.From(r.Context()).Sees(access.Notes) {
		in.Notes = v("notes")
	}
	return in
}

func (s *Server) contactSave(w http.ResponseWriter, r *http.Request) error {
	in := contactInput(r)
	var (
		c   crm.Contact
		err error
	)
	id := int64(0)
	if r.PathValue("id") != "" {
		if id, err = pathID(r); err != nil {
			return err
		}
		c, err = s.svc.UpdateContact(r.Context(), id, in)
	} else {
		c, err = s.svc.CreateContact(r.Context(), in)
	}
	if errs.Is(err, errs.Invalid) {
		form := crm.Contact{ID: id}
		if id != 0 {
			if form, err = s.svc.Contact(r.Context(), id); err != nil {
				return err
			}
		}
		in.Apply(&form)
		p, cerr := s.withCompanies(r, s.contactPageData(r, form))
		if cerr != nil {
			return cerr
		}
		p.Errors = fieldErrors(err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "contact", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/contacts/"+strconv.FormatInt(c.ID, 10)+"?notice=saved")
}

func (s *Server) contactDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteContact(r.Context(), id); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/contacts?notice=deleted")
}

func (s *Server) routesForContacts(mux *patternMux) {
	mux.Handle("GET /contacts", s.user(s.contactList))
	mux.Handle("GET /contacts/new", s.user(s.contactNew))
	mux.Handle("GET /contacts/import", s.user(s.contactImportForm))
	mux.Handle("POST /contacts/import", s.user(s.contactImport))
	mux.Handle("POST /contacts/import/apply", s.user(s.contactImportApply))
	mux.Handle("GET /contacts/export.csv", s.user(s.contactExport))
	mux.Handle("GET /contacts/export.vcf", s.user(s.contactVCards))
	mux.Handle("GET /contacts/merge", s.user(s.mergeForm))
	mux.Handle("POST /contacts/merge", s.user(s.merge))
	mux.Handle("POST /api/v1/contacts/{id}/merge", s.apiUser(s.apiContactMerge))
	mux.Handle("POST /contacts", s.user(s.contactSave))
	mux.Handle("GET /contacts/{id}", s.user(s.contactShow))
	mux.Handle("POST /contacts/{id}", s.user(s.contactSave))
	mux.Handle("POST /contacts/{id}/delete", s.user(s.contactDelete))
	mux.Handle("GET /api/v1/contacts", s.apiUser(s.apiContactList))
	mux.Handle("POST /api/v1/contacts/import", s.apiUser(s.apiContactImport))
	mux.Handle("GET /api/v1/contacts/export", s.apiUser(s.apiContactExport))
	mux.Handle("POST /api/v1/contacts", s.apiUser(apiCreate(s.svc.CreateContact)))
	mux.Handle("GET /api/v1/contacts/{id}", s.apiUser(apiGet(s.svc.Contact)))
	mux.Handle("PATCH /api/v1/contacts/{id}", s.apiUser(apiApply(http.StatusOK, s.svc.UpdateContact)))
	mux.Handle("DELETE /api/v1/contacts/{id}", s.apiUser(apiDelete(s.svc.DeleteContact)))
}
