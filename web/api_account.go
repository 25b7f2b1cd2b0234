package web

import (
	"net/http"

	"github.com/comptoir/comptoir/account"
)

func (s *Server) apiAccountGet(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.AccountSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiAccountPatch(w http.ResponseWriter, r *http.Request) error {
	var upd account.Update
	if err := decodeJSON(w, r, &upd); err != nil {
		return err
	}
	a, err := s.svc.UpdateAccount(r.Context(), upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}
