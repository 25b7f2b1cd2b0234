package service

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
)

// PaymentInput is a payment received from a client, optionally for one
// invoice, or made to a supplier, optionally for one bill.
type PaymentInput struct {
	// Direction is in (from a client, the default) or out (to a supplier);
	// a payment of a document goes the document's way.
	Direction  string       `json:"direction"`
	ContactID  int64        `json:"contact_id"`  // may be left out when DocumentID is set
	DocumentID int64        `json:"document_id"` // the invoice or bill it pays, or 0 to keep it as credit
	Date       string       `json:"date"`        // YYYY-MM-DD
	Amount     money.Amount `json:"amount"`
	Method     string       `json:"method"`
	Reference  string       `json:"reference"`
	Note       string       `json:"note"`
}

// payableInvoice checks that d is an issued invoice or deposit invoice
// with something left to pay.
func payableInvoice(op string, d sales.Document) error {
	if !sales.Payable(d.Kind) {
		return &errs.Error{Op: op, Kind: errs.Invalid, Message: "payments are recorded on invoices, deposit invoices and suppliers' bills, not on a " + d.Kind,
			Fields: []errs.FieldError{{Field: "document_id", Code: "not_payable", Message: "only an invoice, a deposit invoice or a supplier's bill is paid"}}}
	}
	if d.IsDraft() {
		return &errs.Error{Op: op, Kind: errs.Invalid, Message: "a draft invoice cannot be paid: issue it first",
			Fields: []errs.FieldError{{Field: "document_id", Code: "draft", Message: "issue the invoice before recording its payment"}}}
	}
	if (d.Status != sales.Issued && d.Status != sales.PartlyPaid) || d.Balance() <= 0 {
		return errs.E(op, errs.Conflict, "the invoice "+d.Number+" has nothing left to pay ("+d.Status+")")
	}
	return nil
}

// ownRecords returns, when the actor's rights on module are limited to its
// own records, the user whose payments it may see and touch; 0 otherwise.
func ownRecords(ctx context.Context, m access.Module) int64 {
	if access.From(ctx).ScopeOf(m) != access.Own {
		return 0
	}
	if id := identity.ActorFrom(ctx).UserID; id != 0 {
		return id
	}
	return -1 // no user: no record is its own
}

// settle allocates up to the payment's credit to d and saves d's new paid
// amount and status. It returns the amount applied. The caller locked p
// (or created it), then d: payments before documents, and documents by
// id, in every writer, so that none waits for another in a circle.
func (s *Service) settle(ctx context.Context, p *sales.Payment, d *sales.Document) (money.Amount, error) {
	amount := min(p.Credit(), d.Balance())
	if amount <= 0 {
		return 0, nil
	}
	if err := s.db.Allocate(ctx, p.ID, d.ID, amount); err != nil {
		return 0, err
	}
	p.Allocated += amount
	d.Paid += amount
	d.Status = sales.PaymentStatus(*d)
	return amount, s.db.SaveState(ctx, d)
}

// RecordPayment records money received from a client, or paid to a
// supplier. When it names an invoice (a bill), as much as it has left to
// pay is allocated to it and it becomes partly paid or paid; what is left
// over stays as the client's credit (an advance to the supplier), for
// ApplyCredit. All in one transaction.
func (s *Service) RecordPayment(ctx context.Context, in PaymentInput) (sales.Payment, error) {
	const op = "service.RecordPayment"
	p := sales.Payment{Direction: in.Direction, ContactID: in.ContactID, Date: in.Date, Amount: in.Amount, Method: in.Method,
		Reference: in.Reference, Note: in.Note}
	if p.Direction == "" && in.DocumentID != 0 {
		// The payment of a document goes the document's way.
		head, err := reach(ctx, s.db.DocumentHead, in.DocumentID, access.Pay)
		if err != nil {
			return p, errs.Wrap(op, err)
		}
		p.Direction = directionOf(head.Kind)
	}
	if p.Direction == "" {
		p.Direction = sales.In
	}
	if p.Direction != sales.In && p.Direction != sales.Out {
		return p, &errs.Error{Op: op, Kind: errs.Invalid, Message: "some fields are invalid",
			Fields: []errs.FieldError{{Field: "direction", Code: "invalid_direction", Message: "direction is in (from a client) or out (to a supplier)"}}}
	}
	module := paymentModule(p.Direction)
	if err := access.Require(ctx, module, access.Pay); err != nil {
		return p, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var d sales.Document
		if in.DocumentID != 0 {
			var err error
			if d, err = s.reachableDocument(ctx, in.DocumentID, access.Pay, true); err != nil {
				return err
			}
			if p.ContactID == 0 {
				p.ContactID = d.ContactID
			}
			if p.ContactID != d.ContactID {
				return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the document is another contact's",
					Fields: []errs.FieldError{{Field: "document_id", Code: "other_client", Message: "the document is addressed to another contact than the payment's"}}}
			}
			if directionOf(d.Kind) != p.Direction {
				return &errs.Error{Op: op, Kind: errs.Invalid, Message: "some fields are invalid",
					Fields: []errs.FieldError{{Field: "direction", Code: "wrong_direction", Message: "a client's invoice is paid in, a supplier's bill out"}}}
			}
			if err := payableInvoice(op, d); err != nil {
				return err
			}
		}
		if err := p.Validate(); err != nil {
			return err
		}
		// Without an invoice, the client is one the actor may reach; with
		// one, it is the invoice's.
		getContact := s.reachable
		if d.ID != 0 {
			getContact = s.db.Contact
		}
		c, err := getContact(ctx, p.ContactID)
		if err != nil {
			if errs.Is(err, errs.NotFound) {
				return &errs.Error{Op: op, Kind: errs.Invalid, Message: "some fields are invalid",
					Fields: []errs.FieldError{{Field: "contact_id", Code: "not_found", Message: "no such client"}}}
			}
			return err
		}
		if p.Direction == sales.Out && !c.IsSupplier {
			return &errs.Error{Op: op, Kind: errs.Invalid, Message: "some fields are invalid",
				Fields: []errs.FieldError{{Field: "contact_id", Code: "not_supplier", Message: c.DisplayName() + " is not a supplier"}}}
		}
		p.ContactName = c.DisplayName()
		if err := s.db.CreatePayment(ctx, &p, identity.ActorFrom(ctx).UserID); err != nil {
			return err
		}
		if err := s.db.TouchContact(ctx, p.ContactID); err != nil {
			return err
		}
		if p.Direction == sales.Out {
			if err := s.paymentTimeline(ctx, p, d, false); err != nil {
				return err
			}
		}
		e := activity.Entry{Module: string(module), Action: "pay", RecordType: "payment", RecordID: p.ID,
			Summary: p.Amount.Format("fr") + " — " + p.ContactName}
		e.Changes = []activity.Change{{Field: "amount", After: p.Amount.String()}, {Field: "method", After: p.Method},
			{Field: "date", After: p.Date}}
		if d.ID != 0 {
			before := d.Status
			applied, err := s.settle(ctx, &p, &d)
			if err != nil {
				return err
			}
			e = documentEntry(d, "pay", d.Number+" — "+p.Amount.Format("fr")+" — "+d.Buyer.Name)
			e.Changes = []activity.Change{{Field: "payment", After: strconv.FormatInt(p.ID, 10)},
				{Field: "amount", After: p.Amount.String()}, {Field: "method", After: p.Method}, {Field: "date", After: p.Date},
				{Field: "allocated", After: applied.String()}, {Field: "status", Before: before, After: d.Status}}
			if p.Credit() > 0 {
				e.Changes = append(e.Changes, activity.Change{Field: "credit", After: p.Credit().String()})
			}
		}
		return s.record(ctx, e)
	})
	return p, errs.Wrap(op, err)
}

// ApplyInvoiceCredit settles an invoice with its own client's unallocated
// payments: ApplyCredit for the client the invoice names.
func (s *Service) ApplyInvoiceCredit(ctx context.Context, documentID int64) (sales.Document, error) {
	d, err := reach(ctx, s.db.DocumentHead, documentID, access.Pay)
	if err != nil {
		return d, errs.Wrap("service.ApplyInvoiceCredit", err)
	}
	return s.ApplyCredit(ctx, d.ContactID, documentID)
}

// ApplyCredit settles an unpaid invoice with what the client's earlier
// payments left unallocated (an overpayment), oldest first — or a bill
// with what was paid to the supplier in advance. It returns the document
// as it is afterwards.
func (s *Service) ApplyCredit(ctx context.Context, contactID, documentID int64) (sales.Document, error) {
	const op = "service.ApplyCredit"
	var d sales.Document
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		// Checked first, then the client's credits locked, then the invoice:
		// payments before documents, as DeletePayment does.
		var err error
		if d, err = s.reachableDocument(ctx, documentID, access.Pay, false); err != nil {
			return err
		}
		if d.ContactID != contactID {
			return errs.E(op, errs.NotFound, "the client has no such invoice")
		}
		module := paymentModule(directionOf(d.Kind))
		payments, err := s.db.CreditsForUpdate(ctx, contactID, directionOf(d.Kind), ownRecords(ctx, module))
		if err != nil {
			return err
		}
		if d, err = s.db.DocumentForUpdate(ctx, documentID); err != nil {
			return err
		}
		if err := payableInvoice(op, d); err != nil {
			return err
		}
		before := d.Status
		var total money.Amount
		var used []string
		for i := range payments {
			if d.Balance() <= 0 {
				break
			}
			if payments[i].Credit() <= 0 {
				continue
			}
			applied, err := s.settle(ctx, &payments[i], &d)
			if err != nil {
				return err
			}
			total += applied
			used = append(used, strconv.FormatInt(payments[i].ID, 10))
		}
		if total == 0 {
			return errs.E(op, errs.Conflict, "the client has no credit left")
		}
		e := documentEntry(d, "pay", d.Number+" — "+total.Format("fr")+" — "+d.Buyer.Name)
		e.Changes = []activity.Change{{Field: "credit_applied", After: total.String()},
			{Field: "payments", After: joinStrings(used)}, {Field: "status", Before: before, After: d.Status}}
		return s.record(ctx, e)
	})
	return d, errs.Wrap(op, err)
}

func joinStrings(v []string) string {
	out := ""
	for i, s := range v {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// DeletePayment deletes a payment recorded by mistake: its allocations
// go, and the invoices (bills) it settled are unpaid again by as much.
func (s *Service) DeletePayment(ctx context.Context, id int64) error {
	const op = "service.DeletePayment"
	p, err := s.db.Payment(ctx, id)
	if err != nil {
		return errs.Wrap(op, err)
	}
	module := paymentModule(p.Direction)
	if err := access.Require(ctx, module, access.Pay); err != nil {
		return err
	}
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		// The payment first: no allocation can then be added to it (Allocate
		// updates its row) between reading its allocations and deleting them.
		p, err := s.db.PaymentForUpdate(ctx, id, ownRecords(ctx, module))
		if err != nil {
			return err
		}
		allocs, err := s.db.PaymentAllocations(ctx, id)
		if err != nil {
			return err
		}
		// Then the invoices, in id order.
		back := map[int64]money.Amount{}
		var ids []int64
		for _, a := range allocs {
			if _, seen := back[a.DocumentID]; !seen {
				ids = append(ids, a.DocumentID)
			}
			back[a.DocumentID] += a.Amount
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		docs := make([]sales.Document, 0, len(ids))
		for _, docID := range ids {
			d, err := s.db.DocumentForUpdate(ctx, docID)
			if err != nil {
				return err
			}
			docs = append(docs, d)
		}
		if err := s.db.DeletePayment(ctx, id); err != nil {
			return err
		}
		changes := []activity.Change{{Field: "amount", Before: p.Amount.String()}, {Field: "method", Before: p.Method},
			{Field: "date", Before: p.Date}}
		for _, d := range docs {
			before := d.Status
			d.Paid -= back[d.ID]
			d.Status = sales.PaymentStatus(d)
			if err := s.db.SaveState(ctx, &d); err != nil {
				return err
			}
			changes = append(changes, activity.Change{Field: "status " + d.Number, Before: before, After: d.Status})
		}
		if p.Direction == sales.Out {
			// The timeline said it was paid: it says it was not, after all.
			var bill sales.Document
			if len(docs) > 0 {
				bill = docs[0]
			}
			if err := s.paymentTimeline(ctx, p, bill, true); err != nil {
				return err
			}
		}
		return s.record(ctx, activity.Entry{Module: string(module), Action: activity.Delete, RecordType: "payment",
			RecordID: p.ID, Summary: p.Amount.Format("fr") + " — " + p.Date, Changes: changes})
	}))
}

// Payments lists a client's payments, oldest first, each with what it
// has left as credit (Amount − Allocated).
func (s *Service) Payments(ctx context.Context, contactID int64) ([]sales.Payment, error) {
	return s.payments(ctx, contactID, sales.In)
}

// SupplierPayments lists the payments made to a supplier, oldest first,
// each with what it has left as an advance.
func (s *Service) SupplierPayments(ctx context.Context, contactID int64) ([]sales.Payment, error) {
	return s.payments(ctx, contactID, sales.Out)
}

func (s *Service) payments(ctx context.Context, contactID int64, direction string) ([]sales.Payment, error) {
	module := paymentModule(direction)
	if err := access.Require(ctx, module, access.View); err != nil {
		return nil, err
	}
	if _, err := s.reachable(ctx, contactID); err != nil {
		return nil, err
	}
	return s.db.PaymentsOf(ctx, contactID, direction, ownRecords(ctx, module))
}

// DocumentPayments lists the payments settled on an invoice.
func (s *Service) DocumentPayments(ctx context.Context, documentID int64) ([]sales.Allocation, error) {
	if _, err := s.reachableDocument(ctx, documentID, access.View, false); err != nil {
		return nil, err
	}
	return s.db.AllocationsOf(ctx, documentID)
}

// Statement is a client's account statement (relevé de compte) over a
// period: what was invoiced (debits), credited and paid (credits), with
// the running balance. A positive balance is what the client owes. A
// supplier's statement reads the same way from the other side: bills are
// the debits, payments to the supplier the credits, and a positive
// balance is what the business owes them.
type Statement struct {
	ContactID   int64          `json:"contact_id"`
	ContactName string         `json:"contact_name"`
	From        string         `json:"from"` // YYYY-MM-DD, or empty for since the beginning
	To          string         `json:"to"`   // YYYY-MM-DD, or empty for up to now
	Opening     money.Amount   `json:"opening"`
	Rows        []StatementRow `json:"rows"`
	Debits      money.Amount   `json:"debits"`
	Credits     money.Amount   `json:"credits"`
	Closing     money.Amount   `json:"closing"` // Opening + Debits − Credits
	Credit      money.Amount   `json:"credit"`  // what payments up to To have left unallocated today (overpayments)
}

// StatementRow is one line of a statement.
type StatementRow struct {
	Date       string       `json:"date"`
	Kind       string       `json:"kind"` // invoice, deposit, credit, bill, or payment
	Number     string       `json:"number"`
	Label      string       `json:"label"` // the document's title, or the payment's method and reference
	DocumentID int64        `json:"document_id,omitempty"`
	PaymentID  int64        `json:"payment_id,omitempty"`
	DueDate    string       `json:"due_date,omitempty"`
	Debit      money.Amount `json:"debit"`
	Credit     money.Amount `json:"credit"`
	Balance    money.Amount `json:"balance"` // running
}

// Statement returns a client's account statement between from and to
// (YYYY-MM-DD, both included, either may be empty): issued invoices and
// deposit invoices are debits, credit notes and payments credits, after
// an opening balance of everything before from.
func (s *Service) Statement(ctx context.Context, contactID int64, from, to string) (Statement, error) {
	return s.statement(ctx, contactID, from, to, sales.In)
}

// SupplierStatement returns a supplier's statement between from and to:
// their bills (cancelled ones left out) and the payments made to them.
func (s *Service) SupplierStatement(ctx context.Context, contactID int64, from, to string) (Statement, error) {
	return s.statement(ctx, contactID, from, to, sales.Out)
}

func (s *Service) statement(ctx context.Context, contactID int64, from, to, direction string) (Statement, error) {
	const op = "service.Statement"
	st := Statement{ContactID: contactID, From: from, To: to, Rows: []StatementRow{}}
	if err := access.Require(ctx, paymentModule(direction), access.View); err != nil {
		return st, err
	}
	var f errs.Fields
	for _, d := range []struct{ name, v string }{{"from", from}, {"to", to}} {
		if d.v != "" && !validDate(d.v) {
			f.Add(d.name, "invalid_date", d.name+" is a date written YYYY-MM-DD")
		}
	}
	if err := f.Err(op); err != nil {
		return st, err
	}
	c, err := s.reachable(ctx, contactID)
	if err != nil {
		return st, errs.Wrap(op, err)
	}
	st.ContactName = c.DisplayName()
	kinds := []string{sales.Invoice, sales.Deposit, sales.Credit}
	if direction == sales.Out {
		kinds = []string{sales.Bill}
	}
	docs, err := s.db.BillingDocumentsOf(ctx, contactID, kinds)
	if err != nil {
		return st, errs.Wrap(op, err)
	}
	payments, err := s.db.PaymentsOf(ctx, contactID, direction, 0)
	if err != nil {
		return st, errs.Wrap(op, err)
	}
	var rows []StatementRow
	for _, d := range docs {
		if d.Kind == sales.Bill && d.Status == sales.Cancelled {
			continue // recorded by mistake: it never was owed
		}
		r := StatementRow{Date: d.IssueDate, Kind: d.Kind, Number: d.Number, Label: d.Title, DocumentID: d.ID}
		if d.SupplierNumber != "" {
			r.Label = d.SupplierNumber + " " + d.Title
		}
		if d.Kind == sales.Credit {
			r.Credit = d.GrossTotal
		} else {
			r.Debit, r.DueDate = d.GrossTotal, d.DueDate
		}
		rows = append(rows, r)
	}
	for _, p := range payments {
		label := p.Method
		if p.Reference != "" {
			label += " " + p.Reference
		}
		rows = append(rows, StatementRow{Date: p.Date, Kind: "payment", Label: label, PaymentID: p.ID, Credit: p.Amount})
		if to == "" || p.Date <= to {
			st.Credit += p.Credit()
		}
	}
	// By date; on one day, what was invoiced comes before what paid it.
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Date != rows[j].Date {
			return rows[i].Date < rows[j].Date
		}
		return (rows[i].PaymentID == 0) && (rows[j].PaymentID != 0)
	})
	balance := money.Amount(0)
	for _, r := range rows {
		switch {
		case from != "" && r.Date < from:
			st.Opening += r.Debit - r.Credit
			balance = st.Opening
		case to != "" && r.Date > to:
		default:
			balance += r.Debit - r.Credit
			r.Balance = balance
			st.Debits += r.Debit
			st.Credits += r.Credit
			st.Rows = append(st.Rows, r)
		}
	}
	st.Closing = st.Opening + st.Debits - st.Credits
	return st, nil
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}
