package service

import (
	"context"

	"github.com/comptoir/comptoir/privacy"
)

// registerPolicies returns the retention policies the register states and
// checks against. Until the account's own policies are stored, these are
// the defaults.
func (s *Service) registerPolicies(ctx context.Context) ([]privacy.Policy, error) {
	return privacy.DefaultPolicies, nil
}
