package service

import (
	"context"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/errs"
)

// Products belong to the Sales module: the catalog is what quotes and
// invoices are made of. It is shared by the whole account, so a role
// limited to its own records still sees every product.

// visibleProduct applies the actor's rights to a product: purchase prices
// (and so margins) are blanked for roles that do not see amounts.
func visibleProduct(ctx context.Context, p catalog.Product) catalog.Product {
	if !access.From(ctx).Sees(access.Amounts) {
		p.PurchasePrice = 0
	}
	return p
}

// checkProductInput refuses a purchase price from a role that does not see
// amounts: it could not see what it overwrites.
func checkProductInput(ctx context.Context, in catalog.Input) error {
	if in.PurchasePrice != nil && !access.From(ctx).Sees(access.Amounts) {
		return errs.E("service.checkProductInput", errs.Forbidden, "your role cannot set purchase prices")
	}
	return nil
}

// Products lists the catalog's products matching f, by name.
func (s *Service) Products(ctx context.Context, f catalog.Filter) ([]catalog.Product, error) {
	if err := access.Require(ctx, access.Sales, access.View); err != nil {
		return nil, err
	}
	list, err := s.db.ListProducts(ctx, f)
	for i := range list {
		list[i] = visibleProduct(ctx, list[i])
	}
	return list, err
}

// Product returns one product of the catalog.
func (s *Service) Product(ctx context.Context, id int64) (catalog.Product, error) {
	if err := access.Require(ctx, access.Sales, access.View); err != nil {
		return catalog.Product{}, err
	}
	p, err := s.db.Product(ctx, id)
	return visibleProduct(ctx, p), err
}

// referenceTaken is the field error of a reference the account already
// uses.
func referenceTaken(op string, err error) error {
	if !errs.Is(err, errs.Conflict) {
		return err
	}
	return &errs.Error{Op: op, Kind: errs.Conflict, Message: "another product has this reference",
		Fields: []errs.FieldError{{Field: "reference", Code: "reference_taken", Message: "another product has this reference"}}, Err: err}
}

// CreateProduct adds a product to the catalog: by default sold by the
// piece at the standard VAT rate, active.
func (s *Service) CreateProduct(ctx context.Context, in catalog.Input) (catalog.Product, error) {
	const op = "service.CreateProduct"
	p := catalog.New()
	if err := access.Require(ctx, access.Sales, access.Create); err != nil {
		return p, err
	}
	if err := checkProductInput(ctx, in); err != nil {
		return p, err
	}
	in.Apply(&p)
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.CreateProduct(ctx, &p); err != nil {
			return referenceTaken(op, err)
		}
		return s.record(ctx, activity.Entry{Module: string(access.Sales), Action: activity.Create, RecordType: "product",
			RecordID: p.ID, Summary: p.Reference + " " + p.Name, Changes: activity.Diff(catalog.Product{}, p)})
	})
	return visibleProduct(ctx, p), errs.Wrap(op, err)
}

// UpdateProduct changes a product of the catalog; deactivating it is
// setting active to false.
func (s *Service) UpdateProduct(ctx context.Context, id int64, in catalog.Input) (catalog.Product, error) {
	const op = "service.UpdateProduct"
	if err := access.Require(ctx, access.Sales, access.Edit); err != nil {
		return catalog.Product{}, err
	}
	if err := checkProductInput(ctx, in); err != nil {
		return catalog.Product{}, err
	}
	var out catalog.Product
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.Product(ctx, id)
		if err != nil {
			return err
		}
		out = before
		in.Apply(&out)
		if err := out.Validate(); err != nil {
			return err
		}
		err = saveChanges(ctx, s, before, &out, s.db.UpdateProduct, activity.Entry{Module: string(access.Sales),
			Action: activity.Update, RecordType: "product", RecordID: id, Summary: out.Reference + " " + out.Name})
		return referenceTaken(op, err)
	})
	return visibleProduct(ctx, out), errs.Wrap(op, err)
}

// DeleteProduct removes a product from the catalog. Documents already
// issued keep their own copy of its lines.
func (s *Service) DeleteProduct(ctx context.Context, id int64) error {
	if err := access.Require(ctx, access.Sales, access.Delete); err != nil {
		return err
	}
	return errs.Wrap("service.DeleteProduct", s.db.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.db.Product(ctx, id)
		if err != nil {
			return err
		}
		if err := s.db.DeleteProduct(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Sales), Action: activity.Delete, RecordType: "product",
			RecordID: id, Summary: p.Reference + " " + p.Name})
	}))
}
