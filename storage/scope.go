package storage

import (
	"context"

	"github.com/comptoir/comptoir/account"
)

// scope returns the account every tenant query must be limited to. It is
// the storage side of the one choke point for tenant isolation: it fails
// closed when the context carries no account, so a forgotten middleware
// yields an error, never another business's data.
func scope(ctx context.Context) (int64, error) {
	return account.IDFrom(ctx)
}
