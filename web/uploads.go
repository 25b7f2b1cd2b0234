package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/identity"
)

// uploadTTL is how long an uploaded file waits for the user's next step.
const uploadTTL = time.Hour

// uploads keeps files between the steps of a multi-step form (an import's
// upload and its mapping). A file's name carries its account and user, and
// the token handed to the browser is only its random part: a token is
// useless to anyone else, even in the same account.
type uploads struct{ dir string }

var errUploadGone = errors.New("the uploaded file is gone")

func (u uploads) path(ctx context.Context, token string) (string, error) {
	acc, err := account.IDFrom(ctx)
	if err != nil {
		return "", err
	}
	if len(token) != 32 {
		return "", errUploadGone
	}
	if _, err := hex.DecodeString(token); err != nil {
		return "", errUploadGone
	}
	user := identity.ActorFrom(ctx).UserID
	return filepath.Join(u.dir, strconv.FormatInt(acc, 10)+"-"+strconv.FormatInt(user, 10)+"-"+token), nil
}

// save stores r and returns its token, removing files left over past
// their time.
func (u uploads) save(ctx context.Context, r io.Reader) (string, error) {
	u.sweep()
	if err := os.MkdirAll(u.dir, 0o700); err != nil {
		return "", err
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	p, err := u.path(ctx, token)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, r); err != nil {
		_ = f.Close()
		_ = os.Remove(p)
		return "", err
	}
	return token, f.Close()
}

// open returns the current user's file under token.
func (u uploads) open(ctx context.Context, token string) (*os.File, error) {
	p, err := u.path(ctx, token)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errUploadGone
	}
	return f, err
}

func (u uploads) remove(ctx context.Context, token string) {
	if p, err := u.path(ctx, token); err == nil {
		_ = os.Remove(p)
	}
}

// sweep removes files older than uploadTTL.
func (u uploads) sweep() {
	entries, err := os.ReadDir(u.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > uploadTTL {
			_ = os.Remove(filepath.Join(u.dir, e.Name()))
		}
	}
}
