package service

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/sales"
)

// moduleOf is the rights module of a kind of document: delivery notes
// belong to Deliveries, supplier quotes, purchase orders, receipts and
// bills to Purchases, everything else to Sales.
func moduleOf(kind string) access.Module {
	switch {
	case kind == sales.Delivery:
		return access.Deliveries
	case sales.Purchase(kind):
		return access.Purchases
	}
	return access.Sales
}

// reachableDocument returns a document the actor may act on with action:
// a role limited to its own records does not find the others'.
func (s *Service) reachableDocument(ctx context.Context, id int64, action access.Action, lock bool) (sales.Document, error) {
	get := s.db.Document
	if lock {
		get = s.db.DocumentForUpdate
	}
	return reach(ctx, get, id, action)
}

// reach reads a document with get and returns it if the actor may act on
// it: a role limited to its own records does not find the others'.
func reach(ctx context.Context, get func(context.Context, int64) (sales.Document, error), id int64, action access.Action) (sales.Document, error) {
	d, err := get(ctx, id)
	if err != nil {
		return d, err
	}
	if err := access.Require(ctx, moduleOf(d.Kind), action); err != nil {
		return sales.Document{}, err
	}
	if access.From(ctx).ScopeOf(moduleOf(d.Kind)) == access.Own && d.CreatedBy != identity.ActorFrom(ctx).UserID {
		return sales.Document{}, errs.E("service.Document", errs.NotFound, "not found")
	}
	// A document kept under a legal hold after its person's erasure is
	// seen only with the privacy right; to others it does not exist.
	if d.Restricted && !access.From(ctx).Can(access.Privacy, access.View) {
		return sales.Document{}, errs.E("service.Document", errs.NotFound, "not found")
	}
	return d, nil
}

// DocumentKind returns the kind of a document the actor may see, without
// reading its lines: the API checks it against the collection asked for.
func (s *Service) DocumentKind(ctx context.Context, id int64) (string, error) {
	d, err := reach(ctx, s.db.DocumentHead, id, access.View)
	return d.Kind, err
}

// today is the date in the account's time zone.
func (s *Service) today(ctx context.Context, acc account.Account) (string, time.Time) {
	now := s.db.Now(ctx).In(acc.Location())
	return now.Format(time.DateOnly), now
}

// Documents lists documents matching f that the actor may see.
func (s *Service) Documents(ctx context.Context, f sales.Filter) ([]sales.Document, error) {
	// No kind named lists the sales documents: purchases are listed by
	// naming their kinds, under the Purchases module's right.
	if len(f.Kinds) == 0 {
		f.Kinds = sales.Kinds
	}
	m := access.Sales
	switch {
	case len(f.Kinds) == 1:
		m = moduleOf(f.Kinds[0])
	case slices.ContainsFunc(f.Kinds, sales.Purchase):
		m = access.Purchases
		if !slices.ContainsFunc(f.Kinds, func(k string) bool { return !sales.Purchase(k) }) {
			break
		}
		// Sales and purchases at once: both rights.
		if err := access.Require(ctx, access.Sales, access.View); err != nil {
			return nil, err
		}
	}
	if err := access.Require(ctx, m, access.View); err != nil {
		return nil, err
	}
	if access.From(ctx).ScopeOf(m) == access.Own {
		f.CreatedBy = identity.ActorFrom(ctx).UserID
	}
	f.Restricted = access.From(ctx).Can(access.Privacy, access.View)
	if (f.Status == sales.Overdue || f.Status == sales.Expired) && f.Today == "" {
		acc, err := s.db.Account(ctx)
		if err != nil {
			return nil, err
		}
		f.Today, _ = s.today(ctx, acc)
	}
	return s.db.ListDocuments(ctx, f)
}

// DocumentView is a document with what surrounds it: the document it
// comes from and those made from it.
type DocumentView struct {
	sales.Document
	Origin   *sales.Document  `json:"origin,omitempty"`
	Children []sales.Document `json:"children"`
	Status   string           `json:"shown_status"` // overdue when it is
	// Match compares a supplier's bill with its purchase order and the
	// receipts; on a purchase order, it says per line what was received
	// and billed.
	Match *sales.Match `json:"match,omitempty"`
}

// Document returns one document with its origin and children.
func (s *Service) Document(ctx context.Context, id int64) (DocumentView, error) {
	d, err := s.reachableDocument(ctx, id, access.View, false)
	if err != nil {
		return DocumentView{}, err
	}
	v := DocumentView{Document: d, Children: []sales.Document{}}
	var origin *sales.Document // with its lines, for matching
	if d.OriginID != 0 {
		if o, err := s.db.Document(ctx, d.OriginID); err == nil {
			origin = &o
			head := o
			head.Lines = nil
			v.Origin = &head
			v.OriginNumber = o.Number
		}
	}
	kids, err := s.db.Children(ctx, id)
	if err != nil {
		return v, err
	}
	for _, k := range kids {
		k.Lines = nil
		v.Children = append(v.Children, k)
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return v, err
	}
	today, _ := s.today(ctx, acc)
	v.Status = d.Shown(today)
	switch d.Kind {
	case sales.Bill:
		if origin != nil && origin.Kind == sales.PurchaseOrder {
			v.Match, err = s.billMatch(ctx, *origin, d)
		}
	case sales.PurchaseOrder:
		m := sales.MatchBill(d, kidsOf(kids, sales.Receipt), kidsOf(kids, sales.Bill), sales.Document{})
		v.Match = &m
	}
	return v, err
}

// kidsOf keeps the documents of kind.
func kidsOf(docs []sales.Document, kind string) []sales.Document {
	var out []sales.Document
	for _, d := range docs {
		if d.Kind == kind {
			out = append(out, d)
		}
	}
	return out
}

// buyerOf is the client as a document prints them: their default billing
// address when they have one, else their main address.
func (s *Service) buyerOf(ctx context.Context, c crm.Contact) (sales.Party, *account.Address, error) {
	p := sales.Party{Name: c.DisplayName(), Address: c.Address, Email: c.Email, SIREN: c.SIREN,
		VATNumber: c.VATNumber, Business: c.Kind == crm.Company}
	if c.Kind == crm.Company {
		p.Name = c.CompanyName
	}
	if p.SIREN == "" && len(c.SIRET) >= 9 {
		p.SIREN = c.SIRET[:9]
	}
	addrs, err := s.db.ContactAddresses(ctx, c.ID)
	if err != nil {
		return p, nil, err
	}
	var delivery *account.Address
	for _, a := range addrs {
		if !a.IsDefault {
			continue
		}
		postal := account.Address{Line1: a.Line1, Line2: a.Line2, PostalCode: a.PostalCode, City: a.City, Country: a.Country}
		switch a.Kind {
		case "billing":
			p.Address = postal
		case "delivery":
			delivery = &postal
		}
	}
	if delivery != nil && *delivery == p.Address {
		delivery = nil
	}
	return p, delivery, nil
}

// CreateDocument writes a new draft from in, with the account's defaults
// for what in leaves unset.
func (s *Service) CreateDocument(ctx context.Context, in sales.Input) (sales.Document, error) {
	const op = "service.CreateDocument"
	var d sales.Document
	if in.Kind == nil {
		return d, &errs.Error{Op: op, Kind: errs.Invalid, Message: "some fields are invalid",
			Fields: []errs.FieldError{{Field: "kind", Code: "required", Message: "say which kind of document: quote, order, delivery, invoice, deposit, credit, supplier_quote, purchase_order or bill"}}}
	}
	if err := access.Require(ctx, moduleOf(*in.Kind), access.Create); err != nil {
		return d, err
	}
	switch *in.Kind {
	case sales.Credit:
		return d, errs.E(op, errs.Invalid, "a credit note corrects an invoice: create it from the invoice")
	case sales.Receipt:
		return d, errs.E(op, errs.Invalid, "a receipt records what arrived of a purchase order: create it from the order")
	}
	if err := checkPurchaseInput(*in.Kind, in); err != nil {
		return d, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		acc, st, err := s.db.SellerAndSettings(ctx)
		if err != nil {
			return err
		}
		d = sales.Document{Status: sales.Draft, Locale: acc.Locale, Currency: acc.Currency, PaymentTerms: st.PaymentTerms,
			Exemption: st.Exemption, Operation: st.Operation, VATOnDebits: st.VATOnDebits,
			CreatedBy: identity.ActorFrom(ctx).UserID}
		if sales.Purchase(*in.Kind) {
			// The business's own sales choices say nothing of its
			// suppliers': a bill's terms are the supplier's (30 days when
			// none are written).
			d.Exemption, d.Operation, d.VATOnDebits, d.PaymentTerms = "", "", false, ""
		}
		in.Apply(&d)
		if d.Kind == sales.Quote && d.ValidUntil == "" {
			_, now := s.today(ctx, acc)
			d.ValidUntil = now.AddDate(0, 0, st.QuoteDays).Format(time.DateOnly)
		}
		if err := s.fillDraft(ctx, &d, nil); err != nil {
			return err
		}
		if err := s.db.CreateDocument(ctx, &d); err != nil {
			return err
		}
		return s.record(ctx, documentEntry(d, activity.Create, ""))
	})
	return d, errs.Wrap(op, err)
}

// fillDraft refreshes the buyer from the client's record, checks the
// lines' origins, and validates.
func (s *Service) fillDraft(ctx context.Context, d *sales.Document, origin *sales.Document) error {
	if d.ContactID != 0 {
		c, err := s.reachable(ctx, d.ContactID)
		if err != nil {
			if errs.Is(err, errs.NotFound) {
				return &errs.Error{Op: "service.fillDraft", Kind: errs.Invalid, Message: "some fields are invalid",
					Fields: []errs.FieldError{{Field: "contact_id", Code: "not_found", Message: "no such client"}}}
			}
			return err
		}
		if d.Purchase() && !c.IsSupplier {
			return &errs.Error{Op: "service.fillDraft", Kind: errs.Invalid, Message: "some fields are invalid",
				Fields: []errs.FieldError{{Field: "contact_id", Code: "not_supplier", Message: c.DisplayName() + " is not a supplier: tick \"supplier\" on their record first"}}}
		}
		var delivery *account.Address
		if d.Buyer, delivery, err = s.buyerOf(ctx, c); err != nil {
			return err
		}
		// A supplier delivers to the business, not to the supplier's own
		// delivery address.
		if d.DeliveryAddress == nil && !d.Purchase() {
			d.DeliveryAddress = delivery
		}
	}
	if err := s.fillProducts(ctx, d); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	return s.checkOrigins(ctx, d, origin)
}

// fillProducts completes the lines that name a catalog product and leave
// its text empty: reference, name and description, unit, price and VAT
// rate come from the catalog, copied, so that a later change of the
// product never alters a document. What the line sets itself stays.
func (s *Service) fillProducts(ctx context.Context, d *sales.Document) error {
	var f errs.Fields
	for i := range d.Lines {
		l := &d.Lines[i]
		if l.ProductID == 0 || l.Description != "" {
			continue
		}
		p, err := s.db.Product(ctx, l.ProductID)
		if errs.Is(err, errs.NotFound) {
			f.Add("lines."+strconv.Itoa(i)+".product_id", "not_found", "no such product in the catalog")
			continue
		}
		if err != nil {
			return err
		}
		if d.Purchase() {
			// Bought at the supplier's price, under the supplier's reference.
			if err := s.supplierTerms(ctx, d.ContactID, &p); err != nil {
				return err
			}
		}
		l.Kind, l.Reference, l.Description = sales.Item, p.Reference, p.Name
		if p.Description != "" {
			l.Description += "\n" + p.Description
		}
		if l.Unit == "" {
			l.Unit = p.Unit
		}
		if l.UnitPrice == 0 && (!d.Purchase() || access.From(ctx).Sees(access.Amounts)) {
			// A role that does not see purchase prices in the catalog does
			// not read them off a purchase order either.
			l.UnitPrice = p.Price
		}
		if l.VATRate == 0 && d.Exemption == "" {
			l.VATRate = p.VATRate
		}
		if l.Quantity == 0 {
			l.Quantity = measure.One
		}
	}
	return f.Err("service.fillProducts")
}

// supplierTerms sets on p what the supplier charges for it and calls it:
// their price (else the catalog's purchase price) and their reference,
// which the reference becomes, with the business's own kept in the name.
func (s *Service) supplierTerms(ctx context.Context, supplierID int64, p *catalog.Product) error {
	p.Price = p.PurchasePrice
	sup, err := s.db.ProductSupplier(ctx, p.ID, supplierID)
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if sup.Price != 0 {
		p.Price = sup.Price
	}
	if sup.Reference != "" {
		if p.Reference != "" {
			p.Name = p.Name + " (" + p.Reference + ")"
		}
		p.Reference = sup.Reference
	}
	return nil
}

// checkOrigins refuses lines that claim to come from a line of another
// document than the draft's origin, or to deduct a deposit that is not
// one of its origin's.
func (s *Service) checkOrigins(ctx context.Context, d *sales.Document, origin *sales.Document) error {
	need := false
	for _, l := range d.Lines {
		need = need || l.OriginLineID != 0 || l.DepositID != 0
	}
	if !need {
		return nil
	}
	if origin == nil {
		if d.OriginID == 0 {
			return errs.E("service.checkOrigins", errs.Invalid, "lines refer to origin lines but the document has no origin")
		}
		o, err := s.db.Document(ctx, d.OriginID)
		if err != nil {
			return err
		}
		origin = &o
	}
	ids := map[int64]bool{}
	deposits := map[int64]bool{} // what this document may deduct
	for _, l := range origin.Lines {
		ids[l.ID] = true
		if l.DepositID != 0 && d.Kind == sales.Credit {
			deposits[l.DepositID] = true
		}
	}
	if d.Kind == sales.Invoice {
		for _, from := range []int64{origin.ID, origin.OriginID} {
			kids, err := s.db.Children(ctx, from)
			if err != nil {
				return err
			}
			for _, k := range kids {
				if k.Kind == sales.Deposit && k.Status != sales.Draft && k.Status != sales.Cancelled {
					deposits[k.ID] = true
				}
			}
		}
	}
	var f errs.Fields
	for i, l := range d.Lines {
		if l.OriginLineID != 0 && !ids[l.OriginLineID] {
			f.Add("lines."+strconv.Itoa(i)+".origin_line_id", "not_in_origin", "this line's origin is not a line of the document it comes from")
		}
		if l.DepositID != 0 && !deposits[l.DepositID] {
			f.Add("lines."+strconv.Itoa(i)+".deposit_id", "not_in_origin", "this line deducts a deposit invoice that is not one of this sale's")
		}
	}
	return f.Err("service.checkOrigins")
}

// UpdateDocument edits a draft. Issued documents are never edited: an
// invoice is corrected by a credit note.
func (s *Service) UpdateDocument(ctx context.Context, id int64, in sales.Input) (sales.Document, error) {
	const op = "service.UpdateDocument"
	var d sales.Document
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.reachableDocument(ctx, id, access.Edit, true)
		if err != nil {
			return err
		}
		if !before.IsDraft() {
			return errs.E(op, errs.Conflict, "an issued document cannot be changed; correct an invoice with a credit note")
		}
		if in.Kind != nil && *in.Kind != before.Kind {
			return errs.E(op, errs.Invalid, "the kind of a document does not change; duplicate it instead")
		}
		if err := checkPurchaseInput(before.Kind, in); err != nil {
			return err
		}
		d = before
		in.Apply(&d)
		if err := s.fillDraft(ctx, &d, nil); err != nil {
			return err
		}
		return saveChanges(ctx, s, before, &d, s.db.UpdateDraft, documentEntry(d, activity.Update, ""))
	})
	return d, errs.Wrap(op, err)
}

// DeleteDocument deletes a draft; issued documents are kept.
func (s *Service) DeleteDocument(ctx context.Context, id int64) error {
	const op = "service.DeleteDocument"
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		d, err := s.reachableDocument(ctx, id, access.Delete, true)
		if err != nil {
			return err
		}
		if !d.IsDraft() {
			return errs.E(op, errs.Conflict, "an issued document is never deleted")
		}
		if err := s.db.DeleteDraft(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, documentEntry(d, activity.Delete, ""))
	}))
}

func documentEntry(d sales.Document, action, summary string) activity.Entry {
	if summary == "" {
		summary = d.Number
		if summary == "" {
			summary = d.Kind + " draft"
		}
		if d.Buyer.Name != "" {
			summary += " — " + d.Buyer.Name
		}
	}
	return activity.Entry{Module: string(moduleOf(d.Kind)), Action: action, RecordType: d.Kind, RecordID: d.ID, Summary: summary}
}

// Issue validates a draft, checks the legal mentions, numbers it from its
// series and freezes it, all in one transaction: the number is taken only
// if everything else succeeds, so numbers have no gap.
func (s *Service) Issue(ctx context.Context, id int64) (sales.Document, error) {
	const op = "service.Issue"
	var d sales.Document
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if d, err = s.reachableDocument(ctx, id, access.Issue, true); err != nil {
			return err
		}
		if !d.IsDraft() {
			return errs.E(op, errs.Conflict, "the document is already issued")
		}
		acc, st, err := s.db.SellerAndSettings(ctx)
		if err != nil {
			return err
		}
		if err := s.fillDraft(ctx, &d, nil); err != nil {
			return err
		}
		today, now := s.today(ctx, acc)
		if d.Purchase() {
			if err := s.preparePurchase(ctx, &d, acc, today); err != nil {
				return err
			}
		} else if err := prepareSale(&d, acc, st, today); err != nil {
			return err
		}
		if err := s.applyToOrigin(ctx, &d); err != nil {
			return err
		}
		p := st.Pattern(d.Kind)
		n, err := s.db.NextNumber(ctx, sales.Series(d.Kind), p.Period(now))
		if err != nil {
			return err
		}
		d.Number = p.Format(now, n)
		d.Status = sales.Issued
		if d.Kind == sales.PurchaseOrder {
			d.Status = sales.Sent
		}
		if sales.Payable(d.Kind) {
			d.Status = sales.PaymentStatus(d) // nothing to pay: paid at once
		}
		t := s.db.Now(ctx)
		d.IssuedAt = &t
		if err := s.db.SaveState(ctx, &d); err != nil {
			return err
		}
		if err := s.db.TouchContact(ctx, d.ContactID); err != nil {
			return err
		}
		if err := s.purchaseTimeline(ctx, d); err != nil {
			return err
		}
		e := documentEntry(d, "issue", "")
		e.Changes = []activity.Change{{Field: "number", After: d.Number}, {Field: "gross_total", After: d.GrossTotal.String()}}
		if d.SupplierNumber != "" {
			e.Changes = append(e.Changes, activity.Change{Field: "supplier_number", After: d.SupplierNumber})
		}
		return s.record(ctx, e)
	})
	return d, errs.Wrap(op, err)
}

// prepareSale sets what issuing a sales document fixes (its date, due
// date, category of operation) and checks the legal mentions.
func prepareSale(d *sales.Document, acc account.Account, st sales.Settings, today string) error {
	d.IssueDate = today
	if d.DeliveryDate == "" {
		d.DeliveryDate = today
	}
	if sales.Payable(d.Kind) && (d.DueDate == "" || d.DueDate < today) {
		terms, _ := sales.ParseTerms(d.PaymentTerms)
		d.DueDate = terms.Due(today)
	}
	if d.Operation == "" {
		d.Operation = sales.InferOperation(d.Lines)
	}
	return sales.CheckIssue(*d, acc, st)
}

// applyToOrigin updates the document an issued one comes from: an order's
// delivery status, an invoice's credited amount, a purchase order's
// receipt status, a supplier's quote accepted by ordering.
func (s *Service) applyToOrigin(ctx context.Context, d *sales.Document) error {
	if d.OriginID == 0 {
		return nil
	}
	o, err := s.db.DocumentForUpdate(ctx, d.OriginID)
	if err != nil {
		return err
	}
	// The origin may have changed since the draft was made (cancelled,
	// refused): what could not be derived now cannot be issued either.
	if err := sales.CanDerive(o, d.Kind); err != nil {
		return err
	}
	kids, err := s.db.Children(ctx, o.ID)
	if err != nil {
		return err
	}
	// taken adds up, per line of the origin, what the issued documents of
	// kind made from it take, this one included.
	taken := func(kind string) map[int64]measure.Quantity {
		var issued []sales.Document
		for _, k := range kids {
			if k.Kind == kind && k.ID != d.ID && k.Status != sales.Draft {
				issued = append(issued, k)
			}
		}
		return sales.Consumed(append(issued, *d))
	}
	switch d.Kind {
	case sales.Credit:
		if err := sales.CheckCredit(*d, o); err != nil {
			return err
		}
		if o.Kind == sales.Deposit {
			if final, err := s.db.DeductedBy(ctx, o.ID); err != nil {
				return err
			} else if final != "" {
				return errs.E("service.Issue", errs.Conflict, "this deposit is deducted on the final invoice "+final+": credit that invoice instead")
			}
		}
		if err := withinOrigin(o, taken(sales.Credit), d.Locale, "credits"); err != nil {
			return err
		}
		o.Credited += d.GrossTotal
		o.Status = sales.PaymentStatus(o)
	case sales.Delivery:
		done := taken(sales.Delivery)
		if err := withinOrigin(o, done, d.Locale, "delivers"); err != nil {
			return err
		}
		o.Status = sales.DeliveryStatus(o, done)
	case sales.Invoice:
		return withinOrigin(o, taken(sales.Invoice), d.Locale, "invoices")
	case sales.Receipt:
		done := taken(sales.Receipt)
		if err := withinOrigin(o, done, d.Locale, "receives"); err != nil {
			return err
		}
		o.Status = sales.ReceiptStatus(o, done)
	case sales.PurchaseOrder:
		if o.Status != sales.Issued {
			return nil
		}
		o.Status = sales.Accepted
	default:
		return nil
	}
	return s.db.SaveState(ctx, &o)
}

// withinOrigin refuses documents that together take more of a line than
// the origin has: more delivered than ordered, invoiced than sold,
// credited than invoiced. A deduction (a negative line) is taken the same
// way, below zero.
func withinOrigin(o sales.Document, taken map[int64]measure.Quantity, locale, verb string) error {
	for _, l := range o.Lines {
		q := taken[l.ID]
		if (l.Quantity >= 0 && (q > l.Quantity || q < 0)) || (l.Quantity < 0 && (q < l.Quantity || q > 0)) {
			return errs.E("service.Issue", errs.Invalid, "this document "+verb+" more than "+o.Number+" has of "+lineName(l)+
				" ("+l.Quantity.Format(locale)+" there, "+q.Format(locale)+" with this one)")
		}
	}
	return nil
}

func lineName(l sales.Line) string {
	if l.Description != "" {
		return l.Description
	}
	return l.Reference
}

// Decide accepts or refuses an issued quote.
func (s *Service) Decide(ctx context.Context, id int64, status string) (sales.Document, error) {
	return s.changeStatus(ctx, "service.Decide", id, status, func(_ context.Context, d *sales.Document) error { return sales.Decide(d, status) })
}

// Cancel withdraws an issued quote or an order nothing was delivered of,
// a purchase order nothing was received of, a bill nothing was paid on,
// or a receipt recorded by mistake (its order counts it no more).
func (s *Service) Cancel(ctx context.Context, id int64) (sales.Document, error) {
	return s.changeStatus(ctx, "service.Cancel", id, "cancel", func(ctx context.Context, d *sales.Document) error {
		kids, err := s.db.Children(ctx, d.ID)
		if err != nil {
			return err
		}
		for _, k := range kids {
			if k.Status != sales.Draft && k.Status != sales.Cancelled {
				return errs.E("service.Cancel", errs.Conflict, "documents were issued from it ("+k.Number+"): cancel or credit them first")
			}
		}
		if err := sales.Cancel(d); err != nil {
			return err
		}
		if d.Kind == sales.Receipt {
			return s.unreceive(ctx, *d)
		}
		return nil
	})
}

// unreceive sets a purchase order's status again once one of its receipts
// is cancelled.
func (s *Service) unreceive(ctx context.Context, receipt sales.Document) error {
	o, err := s.db.DocumentForUpdate(ctx, receipt.OriginID)
	if err != nil {
		return err
	}
	if o.Status == sales.Cancelled || o.Status == sales.Closed {
		return nil
	}
	kids, err := s.db.Children(ctx, o.ID)
	if err != nil {
		return err
	}
	var issued []sales.Document
	for _, k := range kidsOf(kids, sales.Receipt) {
		if k.ID != receipt.ID && k.Status != sales.Draft {
			issued = append(issued, k)
		}
	}
	o.Status = sales.ReceiptStatus(o, sales.Consumed(issued))
	return s.db.SaveState(ctx, &o)
}

// changeStatus applies a change of status by the domain's rule, saves it
// and records it as action, in one transaction.
func (s *Service) changeStatus(ctx context.Context, op string, id int64, action string, change func(context.Context, *sales.Document) error) (sales.Document, error) {
	var d sales.Document
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if d, err = s.reachableDocument(ctx, id, access.Edit, true); err != nil {
			return err
		}
		before := d.Status
		if err := change(ctx, &d); err != nil {
			return err
		}
		if err := s.db.SaveState(ctx, &d); err != nil {
			return err
		}
		e := documentEntry(d, action, "")
		e.Changes = []activity.Change{{Field: "status", Before: before, After: d.Status}}
		return s.record(ctx, e)
	})
	return d, errs.Wrap(op, err)
}

// DeriveInput says what to make from a document.
type DeriveInput struct {
	Kind string `json:"kind"` // order, delivery, invoice, deposit, credit, purchase_order, receipt, bill, or duplicate
	// Deposit is the percentage of a deposit invoice.
	Deposit sales.Percent `json:"deposit"`
	// Delivered makes an invoice of the quantities delivered and not yet
	// invoiced, instead of everything ordered and not yet invoiced.
	Delivered bool `json:"delivered"`
	// Received makes a supplier's bill of the quantities received and not
	// yet billed (the same choice, on the purchase side).
	Received bool `json:"received"`
}

// Derive makes a new draft from a document: the next step of the flow
// (order from an accepted quote, delivery note with what remains to ship,
// invoice of what remains to invoice, deposit invoice, credit note of what
// remains on an invoice) or a duplicate.
func (s *Service) Derive(ctx context.Context, id int64, in DeriveInput) (sales.Document, error) {
	const op = "service.Derive"
	var d sales.Document
	kind := in.Kind
	if kind == "duplicate" {
		kind = ""
	}
	in.Delivered = in.Delivered || in.Received
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		parent, err := s.reachableDocument(ctx, id, access.View, true)
		if err != nil {
			return err
		}
		if kind == "" {
			kind = parent.Kind
			if err := access.Require(ctx, moduleOf(kind), access.Create); err != nil {
				return err
			}
			if parent.Kind == sales.Credit {
				return errs.E(op, errs.Invalid, "a credit note is made from its invoice, not duplicated")
			}
			if parent.Kind == sales.Receipt {
				return errs.E(op, errs.Invalid, "a receipt is made from its purchase order, not duplicated")
			}
			d = sales.Duplicate(parent)
		} else {
			if err := access.Require(ctx, moduleOf(kind), access.Create); err != nil {
				return err
			}
			if err := sales.CanDerive(parent, kind); err != nil {
				return err
			}
			if d, err = s.derive(ctx, parent, kind, in); err != nil {
				return err
			}
		}
		d.CreatedBy = identity.ActorFrom(ctx).UserID
		if err := s.fillDraft(ctx, &d, &parent); err != nil {
			return err
		}
		if err := s.db.CreateDocument(ctx, &d); err != nil {
			return err
		}
		e := documentEntry(d, activity.Create, "")
		e.Changes = []activity.Change{{Field: "origin", After: parent.Number}}
		return s.record(ctx, e)
	})
	return d, errs.Wrap(op, err)
}

func (s *Service) derive(ctx context.Context, parent sales.Document, kind string, in DeriveInput) (sales.Document, error) {
	kids, err := s.db.Children(ctx, parent.ID)
	if err != nil {
		return sales.Document{}, err
	}
	of := func(kind string) []sales.Document { return kidsOf(kids, kind) }
	live := func(docs []sales.Document) []sales.Document { // not cancelled
		out := docs[:0:0]
		for _, k := range docs {
			if k.Status != sales.Cancelled {
				out = append(out, k)
			}
		}
		return out
	}
	issued := func(docs []sales.Document) []sales.Document {
		out := docs[:0:0]
		for _, k := range live(docs) {
			if k.Status != sales.Draft {
				out = append(out, k)
			}
		}
		return out
	}
	// A quote is ordered once; once ordered, it is invoiced through its order.
	if parent.Kind == sales.Quote && (kind == sales.Order || kind == sales.Invoice) && len(live(of(sales.Order))) > 0 {
		return sales.Document{}, errs.E("service.Derive", errs.Conflict, "this quote already has an order: continue from the order")
	}
	if parent.Kind == sales.SupplierQuote && len(live(of(sales.PurchaseOrder))) > 0 {
		return sales.Document{}, errs.E("service.Derive", errs.Conflict, "this quote already has a purchase order: continue from the order")
	}
	switch kind {
	case sales.Deposit:
		label := "Acompte de " + in.Deposit.Format(parent.Locale) + " % — " + parent.Number
		if parent.Locale == "en" {
			label = in.Deposit.Format("en") + " % deposit — " + parent.Number
		}
		d, err := sales.DepositFrom(parent, in.Deposit, label)
		if err != nil {
			return d, err
		}
		total := d.NetTotal
		for _, k := range live(of(sales.Deposit)) {
			total += k.NetTotal
		}
		if total > parent.NetTotal {
			return d, errs.E("service.Derive", errs.Invalid, "the deposits would exceed the total of "+parent.Number)
		}
		return d, nil
	case sales.Delivery, sales.Receipt:
		d := sales.Derive(parent, kind, sales.Remaining(parent, sales.Consumed(live(of(kind)))))
		lines := d.Lines[:0]
		for _, l := range d.Lines {
			if l.Quantity >= 0 { // a deduction is not delivered
				lines = append(lines, l)
			}
		}
		d.Lines = sales.DropEmptySections(lines)
		d.Compute()
		if !hasItems(d) && kind == sales.Receipt {
			return d, errs.E("service.Derive", errs.Conflict, "everything ordered has been received")
		}
		if !hasItems(d) {
			return d, errs.E("service.Derive", errs.Conflict, "everything ordered has been delivered")
		}
		return d, nil
	case sales.Credit:
		d := sales.Derive(parent, kind, sales.Remaining(parent, sales.Consumed(live(of(sales.Credit)))))
		d.PaymentTerms = ""
		if !hasItems(d) {
			return d, errs.E("service.Derive", errs.Conflict, "the invoice is already fully credited")
		}
		return d, nil
	}
	// An invoice or an order (a supplier's bill or a purchase order): of
	// what remains to invoice.
	billing, shipping := sales.Invoice, sales.Delivery
	if sales.Purchase(kind) {
		billing, shipping = sales.Bill, sales.Receipt
	}
	invoiced := sales.Consumed(live(of(billing)))
	base := sales.Remaining(parent, invoiced)
	if kind == billing && in.Delivered && (parent.Kind == sales.Order || parent.Kind == sales.PurchaseOrder) {
		// What was shipped (received): issued notes only, not drafts.
		delivered := sales.Consumed(issued(of(shipping)))
		for _, l := range parent.Lines {
			if l.Quantity > 0 {
				base[l.ID] = max(delivered[l.ID]-invoiced[l.ID], 0)
			}
		}
	}
	if kind == sales.Order || kind == sales.PurchaseOrder {
		base = nil
	}
	d := sales.Derive(parent, kind, base)
	if !hasItems(d) {
		return d, errs.E("service.Derive", errs.Conflict, "nothing is left to invoice")
	}
	// Deposits are deducted on the final invoice, the one that takes all
	// that is left to invoice.
	final := true
	for id, q := range sales.Remaining(parent, invoiced) {
		final = final && base != nil && base[id] == q
	}
	if kind == sales.Invoice && final {
		label := func(dep sales.Document) string {
			if parent.Locale == "en" {
				return "Deposit invoice " + dep.Number
			}
			return "Acompte facture " + dep.Number
		}
		sales.DeductDeposits(&d, issued(of(sales.Deposit)), label)
		if err := s.deductQuoteDeposits(ctx, parent, &d, label); err != nil {
			return d, err
		}
	}
	return d, nil
}

// deductQuoteDeposits also deducts the deposits invoiced on the quote an
// order came from.
func (s *Service) deductQuoteDeposits(ctx context.Context, parent sales.Document, d *sales.Document, label func(sales.Document) string) error {
	if parent.Kind != sales.Order || parent.OriginID == 0 {
		return nil
	}
	kids, err := s.db.Children(ctx, parent.OriginID)
	if err != nil {
		return err
	}
	sales.DeductDeposits(d, kids, label)
	return nil
}

func hasItems(d sales.Document) bool {
	for _, l := range d.Lines {
		if l.Kind == sales.Item && l.Quantity != 0 {
			return true
		}
	}
	return false
}

// ExportDocuments hands each document f selects to each, newest first,
// for a spreadsheet export; the export is in the activity log.
func (s *Service) ExportDocuments(ctx context.Context, f sales.Filter, each func(sales.Document) error) (int, error) {
	m := access.Sales
	if len(f.Kinds) == 1 {
		m = moduleOf(f.Kinds[0])
	}
	if err := access.Require(ctx, m, access.Export); err != nil {
		return 0, err
	}
	f.Limit = 500
	n := 0
	for {
		page, err := s.Documents(ctx, f)
		if err != nil {
			return n, err
		}
		for _, d := range page {
			if err := each(d); err != nil {
				return n, err
			}
			n++
		}
		if len(page) < f.Limit {
			break
		}
		f.AfterID = page[len(page)-1].ID
	}
	kind := "document"
	if len(f.Kinds) > 0 {
		kind = f.Kinds[0]
	}
	return n, s.db.WithTx(ctx, func(ctx context.Context) error {
		return s.record(ctx, activity.Entry{Module: string(m), Action: "export", RecordType: kind, Summary: strconv.Itoa(n)})
	})
}
