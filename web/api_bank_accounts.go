package web

import (
	"net/http"

	"github.com/comptoir/comptoir/account"
)

func (s *Server) apiBankAccountList(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := listParams(r)
	if err != nil {
		return err
	}
	items, err := s.svc.BankAccounts(r.Context(), cursor, limit+1)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(items, limit, func(b account.BankAccount) string { return encodeCursor(b.ID) }))
	return nil
}
