package account

import (
	"context"

	"github.com/comptoir/comptoir/errs"
)

type ctxKey struct{}

// WithID returns a context scoped to account id. Only the code that has
// authenticated a request (or a command given --account) calls it.
func WithID(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// IDFrom is the one way to learn which account a request acts for. It fails
// closed: with no account in the context, it is an error, never "all".
func IDFrom(ctx context.Context) (int64, error) {
	id, ok := ctx.Value(ctxKey{}).(int64)
	if !ok || id <= 0 {
		return 0, errs.E("account.IDFrom", errs.Unauthorized, "no account selected")
	}
	return id, nil
}
