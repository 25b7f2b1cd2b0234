package service

import (
	"context"
	"errors"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/storage"
)

// Response is a remembered API answer, independent of HTTP types.
type Response struct {
	Status      int
	ContentType string
	Body        []byte
}

var errNotRemembered = errors.New("response not remembered")

// Idempotent runs fn at most once per user, key and account: the write fn
// makes and the remembered response commit in one transaction, so a client
// retrying after a timeout gets the first answer instead of a duplicate.
// The same key with a different request (requestHash) is a Conflict.
// Failed requests (status 400 and above) are not remembered.
func (s *Service) Idempotent(ctx context.Context, key, requestHash string, fn func(ctx context.Context) Response) (resp Response, replayed bool, err error) {
	const op = "service.Idempotent"
	if len(key) > 255 {
		return resp, false, errs.E(op, errs.Invalid, "Idempotency-Key is longer than 255 characters")
	}
	user := identity.ActorFrom(ctx).UserID
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		prev, err := s.db.IdempotentResponse(ctx, user, key)
		if err == nil {
			if prev.RequestHash != requestHash {
				return errs.E(op, errs.Conflict, "this Idempotency-Key was used for a different request")
			}
			resp, replayed = Response{prev.Status, prev.ContentType, prev.Body}, true
			return nil
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		resp = fn(ctx)
		if resp.Status >= 400 {
			return errNotRemembered
		}
		return s.db.SaveIdempotentResponse(ctx, storage.IdempotentResponse{
			UserID: user, Key: key, RequestHash: requestHash,
			Status: resp.Status, ContentType: resp.ContentType, Body: resp.Body})
	})
	if errors.Is(err, errNotRemembered) {
		err = nil
	}
	return resp, replayed, errs.Wrap(op, err)
}
