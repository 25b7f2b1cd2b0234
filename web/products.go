package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/vat"
)

const productsPerPage = 50

// productQuery is the product list's filters as the query string carries
// them: q, and active (true, false, or empty for all).
type productQuery struct{ Query, Active string }

// Values is the query string of the filters, without empty ones.
func (q productQuery) Values() url.Values {
	v := url.Values{}
	if q.Query != "" {
		v.Set("q", q.Query)
	}
	if q.Active != "" {
		v.Set("active", q.Active)
	}
	return v
}

// Encode is the query string, for links (escaped by url.Values).
func (q productQuery) Encode() template.URL { return template.URL(q.Values().Encode()) }

// productFilter reads the list's filters, for the page, its export and
// the API alike.
func productFilter(r *http.Request, fe *errs.Fields) (catalog.Filter, productQuery) {
	q := productQuery{Query: strings.TrimSpace(r.URL.Query().Get("q")), Active: r.URL.Query().Get("active")}
	f := catalog.Filter{Query: q.Query}
	switch q.Active {
	case "":
	case "true", "false":
		on := q.Active == "true"
		f.Active = &on
	default:
		fe.Add("active", "invalid_boolean", "active must be true or false")
	}
	return f, q
}

type productsPage struct {
	Page
	Items  []catalog.Product
	Filter productQuery
	Errors formErrors
	Next   template.URL // the next page's query string, "" on the last
}

func (s *Server) productList(w http.ResponseWriter, r *http.Request) error {
	var fe errs.Fields
	f, q := productFilter(r, &fe)
	p := &productsPage{Page: s.basePage(r), Filter: q}
	if err := fe.Err("web.productList"); err != nil {
		p.Errors = fieldErrors(err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "products", p)
		return nil
	}
	f.AfterKey, f.Limit = r.URL.Query().Get("after_key"), productsPerPage+1
	f.AfterID, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	items, err := s.svc.Products(r.Context(), f)
	if err != nil {
		return err
	}
	if len(items) > productsPerPage {
		items = items[:productsPerPage]
		last := items[len(items)-1]
		next := q.Values()
		next.Set("after", strconv.FormatInt(last.ID, 10))
		next.Set("after_key", last.SortKey())
		p.Next = template.URL(next.Encode()) // escaped by Encode
	}
	p.Items = items
	return s.render(w, r, "products", p)
}

type productPage struct {
	Page
	Form catalog.Product
	// The amounts as typed, or formatted in the page's language.
	Price, PurchasePrice, VATRate string
	Units                         []string
	Rates                         []vat.Rate
	Errors                        formErrors
	History                       []activity.Entry
	SeesAmounts                   bool
	// The product's suppliers; for a role that may change them, the form
	// (the contacts marked as suppliers, what was typed, its problems).
	Suppliers       []catalog.Supplier
	CanSetSuppliers bool
	SupplierChoices []crm.Contact
	SupplierForm    supplierForm
	SupplierErrors  formErrors
}

// supplierForm is the product page's supplier form as typed.
type supplierForm struct {
	ContactID        int64
	Reference, Price string
}

// Margin describes the saved product's margin: the amount, the rate on the
// purchase price and the rate on the selling price; "" when the purchase
// price is unknown.
func (p productPage) Margin() string {
	if !p.Form.HasMargin() || !p.SeesAmounts {
		return ""
	}
	out := p.Money(p.Form.Margin())
	if r, ok := p.Form.MarginRate(); ok {
		out += " · " + p.T("products.margin_rate") + " " + money.FormatDecimal(r, 2, 0, p.lang) + "\u00a0%"
	}
	if r, ok := p.Form.MarkupRate(); ok {
		out += " · " + p.T("products.markup_rate") + " " + money.FormatDecimal(r, 2, 0, p.lang) + "\u00a0%"
	}
	return out
}

func (s *Server) productPageData(r *http.Request, prod catalog.Product) *productPage {
	p := &productPage{Page: s.basePage(r), Form: prod, Units: measure.Units, Rates: vat.FrenchRates,
		SeesAmounts: access.From(r.Context()).Sees(access.Amounts)}
	p.Price, p.VATRate = prod.Price.Format(p.lang), prod.VATRate.String()
	if prod.PurchasePrice != 0 {
		p.PurchasePrice = prod.PurchasePrice.Format(p.lang)
	}
	return p
}

func (s *Server) productNew(w http.ResponseWriter, r *http.Request) error {
	if err := access.Require(r.Context(), access.Sales, access.Create); err != nil {
		return err
	}
	p := s.productPageData(r, catalog.New())
	p.Price = ""
	return s.render(w, r, "product", p)
}

// withSuppliers adds a saved product's suppliers to its page and, for a
// role that may change them, the contacts marked as suppliers to choose
// from.
func (s *Server) withSuppliers(r *http.Request, p *productPage) error {
	var err error
	if p.Suppliers, err = s.svc.ProductSuppliers(r.Context(), p.Form.ID); err != nil {
		return err
	}
	// Choosing a supplier needs the contact list.
	p.CanSetSuppliers = p.Can("purchases", "edit") && p.Can("contacts", "view")
	if !p.CanSetSuppliers {
		return nil
	}
	p.SupplierChoices, err = s.svc.Contacts(r.Context(), crm.Filter{Role: "supplier", Limit: 500})
	return err
}

// productDetail is a saved product's page: the record, its suppliers and
// its history.
func (s *Server) productDetail(r *http.Request, prod catalog.Product) (*productPage, error) {
	p := s.productPageData(r, prod)
	if err := s.withSuppliers(r, p); err != nil {
		return nil, err
	}
	if p.Can("activity", "view") {
		var err error
		if p.History, err = s.svc.RecordHistory(r.Context(), access.Sales, "product", prod.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) productShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	prod, err := s.svc.Product(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.productDetail(r, prod)
	if err != nil {
		return err
	}
	return s.render(w, r, "product", p)
}

// productInput reads the product form. Amounts and the rate are typed the
// French or the English way; what cannot be read is a field error. The
// purchase price is read only from roles that see amounts.
func productInput(r *http.Request) (catalog.Input, errs.Fields) {
	v := func(k string) *string { s := strings.TrimSpace(r.PostFormValue(k)); return &s }
	active := r.PostFormValue("active") != ""
	in := catalog.Input{Reference: v("reference"), Name: v("name"), Description: v("description"), Unit: v("unit"),
		Barcode: v("barcode"), Active: &active}
	var fe errs.Fields
	if a, err := money.Parse(*v("price")); err != nil {
		fe.Add("price", err.Error(), "price is not an amount")
	} else {
		in.Price = &a
	}
	if rate, err := vat.ParseRate(*v("vat_rate")); err != nil {
		fe.Add("vat_rate", "invalid_vat_rate", "vat_rate is not a rate")
	} else {
		in.VATRate = &rate
	}
	if access.From(r.Context()).Sees(access.Amounts) {
		a := money.Amount(0)
		if raw := *v("purchase_price"); raw != "" {
			var err error
			if a, err = money.Parse(raw); err != nil {
				fe.Add("purchase_price", err.Error(), "purchase_price is not an amount")
			}
		}
		in.PurchasePrice = &a
	}
	return in, fe
}

func (s *Server) productSave(w http.ResponseWriter, r *http.Request) error {
	in, bad := productInput(r)
	id := int64(0)
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
	}
	// The record first: another account's id is not found, whatever the form.
	form := catalog.New()
	if id != 0 {
		var err error
		if form, err = s.svc.Product(r.Context(), id); err != nil {
			return err
		}
	}
	var (
		prod catalog.Product
		err  error
	)
	if len(bad) > 0 {
		// Report what could not be read with every other problem.
		check := form
		in.Apply(&check)
		for _, f := range errs.FieldsOf(check.Validate()) {
			if !bad.Has(f.Field) {
				bad = append(bad, f)
			}
		}
		err = bad.Err("web.productSave")
	} else if id != 0 {
		prod, err = s.svc.UpdateProduct(r.Context(), id, in)
	} else {
		prod, err = s.svc.CreateProduct(r.Context(), in)
	}
	if len(errs.FieldsOf(err)) > 0 && (errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict)) {
		in.Apply(&form)
		p := s.productPageData(r, form)
		if id != 0 {
			if err := s.withSuppliers(r, p); err != nil {
				return err
			}
		}
		p.Price, p.VATRate, p.PurchasePrice = r.PostFormValue("price"), r.PostFormValue("vat_rate"), r.PostFormValue("purchase_price")
		p.Errors = fieldErrors(err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "product", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/products/"+strconv.FormatInt(prod.ID, 10)+"?notice=saved")
}

// productActive deactivates a product (active=0) or puts it back on sale.
func (s *Server) productActive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	on := r.PostFormValue("active") == "1"
	if _, err := s.svc.UpdateProduct(r.Context(), id, catalog.Input{Active: &on}); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/products/"+strconv.FormatInt(id, 10)+"?notice=saved")
}

func (s *Server) productDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteProduct(r.Context(), id); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/products?notice=deleted")
}

// supplierInput reads the supplier form of a product's page. The price
// is typed the French or the English way, and read only from roles that
// see amounts (empty is 0, unknown); what cannot be read is a field error.
func supplierInput(r *http.Request) (catalog.Supplier, supplierForm, errs.Fields) {
	form := supplierForm{Reference: strings.TrimSpace(r.PostFormValue("reference")), Price: strings.TrimSpace(r.PostFormValue("price"))}
	in := catalog.Supplier{Reference: form.Reference}
	var fe errs.Fields
	if raw := strings.TrimSpace(r.PostFormValue("contact_id")); raw != "" {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 {
			in.ContactID, form.ContactID = id, id
		} else {
			fe.Add("contact_id", "not_found", "contact_id is not a contact")
		}
	}
	if access.From(r.Context()).Sees(access.Amounts) && form.Price != "" {
		a, err := money.Parse(form.Price)
		if err != nil {
			fe.Add("price", err.Error(), "price is not an amount")
		}
		in.Price = a
	}
	return in, form, fe
}

// productSupplierSet adds a supplier to a product, or changes its
// reference and price; the page shows the form's problems beside its
// fields.
func (s *Server) productSupplierSet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// The record first: another account's id is not found, whatever the form.
	prod, err := s.svc.Product(r.Context(), id)
	if err != nil {
		return err
	}
	in, form, bad := supplierInput(r)
	if len(bad) > 0 {
		// Report what could not be read with every other problem.
		check := in
		for _, f := range errs.FieldsOf(check.Validate()) {
			if !bad.Has(f.Field) {
				bad = append(bad, f)
			}
		}
		err = bad.Err("web.productSupplierSet")
	} else {
		_, err = s.svc.SetProductSupplier(r.Context(), id, in)
	}
	if len(errs.FieldsOf(err)) > 0 && errs.Is(err, errs.Invalid) {
		p, derr := s.productDetail(r, prod)
		if derr != nil {
			return derr
		}
		p.SupplierForm, p.SupplierErrors = form, fieldErrors(err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "product", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/products/"+strconv.FormatInt(id, 10)+"?notice=saved#suppliers")
}

// pathContact reads the {contact} of a path.
func pathContact(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E("web.pathContact", errs.NotFound, "not found")
	}
	return id, nil
}

func (s *Server) productSupplierDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	contact, err := pathContact(r, "contact")
	if err != nil {
		return err
	}
	if err := s.svc.RemoveProductSupplier(r.Context(), id, contact); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/products/"+strconv.FormatInt(id, 10)+"?notice=deleted#suppliers")
}

func (s *Server) routesForProducts(mux *patternMux) {
	mux.Handle("GET /products", s.user(s.productList))
	mux.Handle("GET /products/new", s.user(s.productNew))
	mux.Handle("GET /products/import", s.user(s.productImportForm))
	mux.Handle("POST /products/import", s.user(s.productImport))
	mux.Handle("GET /products/export.csv", s.user(s.productExport))
	mux.Handle("POST /products", s.user(s.productSave))
	mux.Handle("GET /products/{id}", s.user(s.productShow))
	mux.Handle("POST /products/{id}", s.user(s.productSave))
	mux.Handle("POST /products/{id}/active", s.user(s.productActive))
	mux.Handle("POST /products/{id}/delete", s.user(s.productDelete))
	mux.Handle("POST /products/{id}/suppliers", s.user(s.productSupplierSet))
	mux.Handle("POST /products/{id}/suppliers/{contact}/delete", s.user(s.productSupplierDelete))
	mux.Handle("GET /api/v1/products", s.apiUser(s.apiProductList))
	mux.Handle("POST /api/v1/products/import", s.apiUser(s.apiProductImport))
	mux.Handle("GET /api/v1/products/export", s.apiUser(s.apiProductExport))
	mux.Handle("POST /api/v1/products", s.apiUser(apiCreate(s.svc.CreateProduct)))
	mux.Handle("GET /api/v1/products/{id}", s.apiUser(apiGet(s.svc.Product)))
	mux.Handle("PATCH /api/v1/products/{id}", s.apiUser(apiApply(http.StatusOK, s.svc.UpdateProduct)))
	mux.Handle("DELETE /api/v1/products/{id}", s.apiUser(apiDelete(s.svc.DeleteProduct)))
	mux.Handle("GET /api/v1/products/{id}/suppliers", s.apiUser(s.apiProductSupplierList))
	mux.Handle("PUT /api/v1/products/{id}/suppliers/{contact_id}", s.apiUser(s.apiProductSupplierPut))
	mux.Handle("DELETE /api/v1/products/{id}/suppliers/{contact_id}", s.apiUser(s.apiProductSupplierDelete))
}
