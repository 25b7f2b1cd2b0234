package service

import (
	"context"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
)

// A product's suppliers are read with the catalog (the Sales module's
// rights) and written by buyers (the Purchases module's): who sells us a
// product, under which reference, at what price.

// supplierTerms are what the activity log compares between two versions
// of a supplier's row.
type supplierTerms struct {
	Reference string       `json:"reference"`
	Price     money.Amount `json:"price"`
}

func termsOf(s catalog.Supplier) supplierTerms { return supplierTerms{s.Reference, s.Price} }

// visibleSupplier blanks the price for roles that do not see amounts, as
// purchase prices are on products.
func visibleSupplier(ctx context.Context, s catalog.Supplier) catalog.Supplier {
	if !access.From(ctx).Sees(access.Amounts) {
		s.Price = 0
	}
	return s
}

// supplierField is the field error of a contact_id that cannot supply.
func supplierField(code, message string) error {
	return &errs.Error{Op: "service.SetProductSupplier", Kind: errs.Invalid, Message: message,
		Fields: []errs.FieldError{{Field: "contact_id", Code: code, Message: message}}}
}

// supplierContact returns the contact a product may be bought from: one
// the actor may reach, marked as a supplier.
func (s *Service) supplierContact(ctx context.Context, id int64) (crm.Contact, error) {
	c, err := s.reachable(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return c, supplierField("not_found", "no such contact: choose one of your suppliers")
	}
	if err != nil {
		return c, err
	}
	if !c.IsSupplier {
		return c, supplierField("not_supplier", c.DisplayName()+" is not a supplier: mark the contact as a supplier first")
	}
	return c, nil
}

// ProductSuppliers lists the suppliers a product of the catalog is bought
// from, by name.
func (s *Service) ProductSuppliers(ctx context.Context, productID int64) ([]catalog.Supplier, error) {
	if err := access.Require(ctx, access.Sales, access.View); err != nil {
		return nil, err
	}
	// Another account's product is not found, rather than an empty list.
	if _, err := s.db.Product(ctx, productID); err != nil {
		return nil, err
	}
	list, err := s.db.ProductSuppliers(ctx, productID)
	for i := range list {
		list[i] = visibleSupplier(ctx, list[i])
	}
	return list, err
}

// SetProductSupplier records the supplier in.ContactID for a product, with
// the supplier's reference and price, or changes them. A role that does
// not see amounts sets the reference only: the price it cannot see stays
// as it was, and a price from it is refused.
func (s *Service) SetProductSupplier(ctx context.Context, productID int64, in catalog.Supplier) (catalog.Supplier, error) {
	const op = "service.SetProductSupplier"
	if err := access.Require(ctx, access.Purchases, access.Edit); err != nil {
		return catalog.Supplier{}, err
	}
	seesAmounts := access.From(ctx).Sees(access.Amounts)
	if in.Price != 0 && !seesAmounts {
		return catalog.Supplier{}, errs.E(op, errs.Forbidden, "your role cannot set purchase prices")
	}
	out := catalog.Supplier{ProductID: productID, ContactID: in.ContactID, Reference: in.Reference, Price: in.Price}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		// The product first: another account's id is not found, whatever
		// the input.
		p, err := s.db.Product(ctx, productID)
		if err != nil {
			return err
		}
		if err := out.Validate(); err != nil {
			return err
		}
		c, err := s.supplierContact(ctx, out.ContactID)
		if err != nil {
			return err
		}
		before, err := s.db.ProductSupplier(ctx, productID, c.ID)
		action := activity.Update
		if errs.Is(err, errs.NotFound) {
			action, err = activity.Create, nil
		}
		if err != nil {
			return err
		}
		if !seesAmounts {
			out.Price = before.Price
		}
		out.ContactName, out.UpdatedAt = c.DisplayName(), before.UpdatedAt
		changes := activity.Diff(termsOf(before), termsOf(out))
		if action == activity.Update && len(changes) == 0 {
			return nil
		}
		if err := s.db.SetProductSupplier(ctx, &out); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Purchases), Action: action, RecordType: "product_supplier",
			RecordID: productID, Summary: p.Reference + " " + p.Name + " · " + out.ContactName, Changes: changes})
	})
	return visibleSupplier(ctx, out), errs.Wrap(op, err)
}

// RemoveProductSupplier removes a supplier from a product; not found when
// the supplier was not recorded for it.
func (s *Service) RemoveProductSupplier(ctx context.Context, productID, contactID int64) error {
	if err := access.Require(ctx, access.Purchases, access.Edit); err != nil {
		return err
	}
	return errs.Wrap("service.RemoveProductSupplier", s.db.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.db.Product(ctx, productID)
		if err != nil {
			return err
		}
		before, err := s.db.ProductSupplier(ctx, productID, contactID)
		if err != nil {
			return err
		}
		if err := s.db.DeleteProductSupplier(ctx, productID, contactID); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Purchases), Action: activity.Delete, RecordType: "product_supplier",
			RecordID: productID, Summary: p.Reference + " " + p.Name + " · " + before.ContactName,
			Changes: activity.Diff(termsOf(before), supplierTerms{})})
	}))
}
