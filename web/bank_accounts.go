package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/iban"
)

type bankAccountsPage struct {
	Page
	Items   []account.BankAccount
	Form    account.BankAccount
	Errors  formErrors
	History []activity.Entry // the record's own entries in the activity log
}

// IBAN groups an IBAN by four characters for reading.
func (bankAccountsPage) IBAN(s string) string { return iban.Format(s) }

// pathID reads the {id} of a route; anything but a positive integer is
// simply not found.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E("web.pathID", errs.NotFound, "not found")
	}
	return id, nil
}

func bankInputFromForm(r *http.Request) account.BankAccountInput {
	v := func(k string) *string { s := strings.TrimSpace(r.PostFormValue(k)); return &s }
	def := r.PostFormValue("is_default") != ""
	return account.BankAccountInput{Label: v("label"), Holder: v("holder"), IBAN: v("iban"), BIC: v("bic"), IsDefault: &def}
}

func (s *Server) bankAccountList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.svc.BankAccounts(r.Context(), 0, 100)
	if err != nil {
		return err
	}
	return s.render(w, r, "bank_accounts", &bankAccountsPage{Page: s.basePage(r), Items: items})
}

func (s *Server) bankAccountCreate(w http.ResponseWriter, r *http.Request) error {
	in := bankInputFromForm(r)
	_, err := s.svc.CreateBankAccount(r.Context(), in)
	if errs.Is(err, errs.Invalid) {
		items, lerr := s.svc.BankAccounts(r.Context(), 0, 100)
		if lerr != nil {
			return lerr
		}
		var form account.BankAccount
		in.Apply(&form)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "bank_accounts",
			&bankAccountsPage{Page: s.basePage(r), Items: items, Form: form, Errors: fieldErrors(err)})
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/settings/bank-accounts?notice=created")
}

func (s *Server) bankAccountForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := s.svc.BankAccount(r.Context(), id)
	if err != nil {
		return err
	}
	p := &bankAccountsPage{Page: s.basePage(r), Form: b}
	if p.Can("activity", "view") {
		if p.History, err = s.svc.RecordHistory(r.Context(), access.Settings, "bank_account", id); err != nil {
			return err
		}
	}
	return s.render(w, r, "bank_account", p)
}

func (s *Server) bankAccountSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in := bankInputFromForm(r)
	_, err = s.svc.UpdateBankAccount(r.Context(), id, in)
	if errs.Is(err, errs.Invalid) {
		form, gerr := s.svc.BankAccount(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		in.Apply(&form)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "bank_account",
			&bankAccountsPage{Page: s.basePage(r), Form: form, Errors: fieldErrors(err)})
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/settings/bank-accounts?notice=saved")
}

func (s *Server) bankAccountDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteBankAccount(r.Context(), id); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/settings/bank-accounts?notice=deleted")
}
