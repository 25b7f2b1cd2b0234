package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/service"
)

type accountPage struct {
	Page
	Form         account.Account
	ShareCapital string
	Errors       formErrors
	LegalForms   []string
}

func (s *Server) accountForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.AccountSettings(r.Context())
	if err != nil {
		return err
	}
	p := s.basePage(r)
	return s.render(w, r, "account", &accountPage{Page: p, Form: a, ShareCapital: a.ShareCapital.Format(p.lang), LegalForms: account.LegalForms})
}

// accountUpdateFromForm reads the settings form. Only the fields of the
// form are read: an extra "id" or "status" field is ignored.
func accountUpdateFromForm(r *http.Request) (account.Update, errs.Fields) {
	v := func(k string) *string { s := strings.TrimSpace(r.PostFormValue(k)); return &s }
	u := account.Update{
		Name: v("name"), LegalForm: v("legal_form"), SIREN: v("siren"), SIRET: v("siret"),
		VATNumber: v("vat_number"), RCSCity: v("rcs_city"), Email: v("email"), Phone: v("phone"),
		Website: v("website"), Locale: v("locale"), TimeZone: v("time_zone"),
		Address: &account.Address{Line1: *v("address.line1"), Line2: *v("address.line2"),
			PostalCode: *v("address.postal_code"), City: *v("address.city"), Country: *v("address.country")},
	}
	var f errs.Fields
	if raw := *v("share_capital"); raw != "" {
		amt, err := money.Parse(raw)
		if err != nil {
			f.Add("share_capital", err.Error(), "the share capital is not an amount")
		}
		u.ShareCapital = &amt
	} else {
		zero := money.Amount(0)
		u.ShareCapital = &zero
	}
	return u, f
}

func (s *Server) accountSave(w http.ResponseWriter, r *http.Request) error {
	upd, ferr := accountUpdateFromForm(r)
	var err error
	if len(ferr) > 0 {
		err = ferr.Err("web.accountSave")
	} else {
		_, err = s.svc.UpdateAccount(r.Context(), upd)
	}
	if errs.Is(err, errs.Invalid) {
		a, gerr := s.svc.AccountSettings(r.Context())
		if gerr != nil {
			return gerr
		}
		upd.Apply(&a)
		p := s.basePage(r)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "account", &accountPage{Page: p, Form: a,
			ShareCapital: r.PostFormValue("share_capital"), Errors: fieldErrors(err), LegalForms: account.LegalForms})
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/settings/account?notice=saved")
}

func (s *Server) logoUpload(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxLogoSize+64<<10)
	f, _, err := r.FormFile("logo")
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		err = &errs.Error{Op: "web.logoUpload", Kind: errs.TooLarge, Message: "the logo is too large",
			Fields: []errs.FieldError{{Field: "logo", Code: "too_large"}}}
	} else if err != nil {
		err = &errs.Error{Op: "web.logoUpload", Kind: errs.Invalid, Message: "choose an image",
			Fields: []errs.FieldError{{Field: "logo", Code: "not_an_image"}}}
	} else {
		defer f.Close()
		var img []byte
		if img, err = io.ReadAll(io.LimitReader(f, service.MaxLogoSize+1)); err == nil {
			err = s.svc.SetLogo(r.Context(), img)
		}
	}
	if k := errs.KindOf(err); err != nil && (k == errs.Invalid || k == errs.TooLarge) {
		a, gerr := s.svc.AccountSettings(r.Context())
		if gerr != nil {
			return gerr
		}
		p := s.basePage(r)
		s.renderPage(w, r, statusOf[k], "account", &accountPage{Page: p, Form: a,
			ShareCapital: a.ShareCapital.Format(p.lang), Errors: fieldErrors(err), LegalForms: account.LegalForms})
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/settings/account?notice=saved")
}

func (s *Server) logo(w http.ResponseWriter, r *http.Request) error {
	img, typ, err := s.svc.Logo(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "private, no-cache")
	_, err = w.Write(img)
	return err
}
