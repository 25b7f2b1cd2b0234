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
	writeJSON(w, http.StatusOK, paginate(items, limit, func(b account.BankAccount) int64 { return b.ID }))
	return nil
}

func (s *Server) apiBankAccountCreate(w http.ResponseWriter, r *http.Request) error {
	var in account.BankAccountInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.svc.CreateBankAccount(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) apiBankAccountGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := s.svc.BankAccount(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) apiBankAccountPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in account.BankAccountInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.svc.UpdateBankAccount(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) apiBankAccountDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteBankAccount(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
