package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

// addressInput reads an address form of the contact's page.
func addressInput(r *http.Request) crm.AddressInput {
	v := func(k string) *string { s := strings.TrimSpace(r.PostFormValue(k)); return &s }
	def := r.PostFormValue("is_default") != ""
	return crm.AddressInput{Kind: v("kind"), Label: v("label"), Line1: v("line1"), Line2: v("line2"),
		PostalCode: v("postal_code"), City: v("city"), Country: v("country"), IsDefault: &def}
}

// addressDone answers an address form: back to the contact's addresses,
// or the contact's page again with the form's problems.
func (s *Server) addressDone(w http.ResponseWriter, r *http.Request, contactID, addressID int64, in crm.AddressInput, err error) error {
	if errs.Is(err, errs.Invalid) {
		c, cerr := s.svc.Contact(r.Context(), contactID)
		if cerr != nil {
			return cerr
		}
		p, derr := s.contactDetail(r, c)
		if derr != nil {
			return derr
		}
		p.AddressErrors, p.AddressFailed = fieldErrors(err), addressID
		// The failed form shows what was typed.
		if addressID == 0 {
			in.Apply(&p.NewAddress)
		}
		for i := range p.Addresses {
			if p.Addresses[i].ID == addressID {
				in.Apply(&p.Addresses[i])
			}
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "contact", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/contacts/"+strconv.FormatInt(contactID, 10)+"?notice=saved#addresses")
}

func (s *Server) addressAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in := addressInput(r)
	_, err = s.svc.AddAddress(r.Context(), id, in)
	return s.addressDone(w, r, id, 0, in, err)
}

// pathAddress reads the address the path names: its contact's page is
// where the form goes back to.
func (s *Server) pathAddress(r *http.Request) (crm.Address, error) {
	id, err := pathID(r)
	if err != nil {
		return crm.Address{}, err
	}
	return s.svc.Address(r.Context(), id)
}

func (s *Server) addressSave(w http.ResponseWriter, r *http.Request) error {
	a, err := s.pathAddress(r)
	if err != nil {
		return err
	}
	in := addressInput(r)
	_, err = s.svc.UpdateAddress(r.Context(), a.ID, in)
	return s.addressDone(w, r, a.ContactID, a.ID, in, err)
}

func (s *Server) addressDelete(w http.ResponseWriter, r *http.Request) error {
	a, err := s.pathAddress(r)
	if err != nil {
		return err
	}
	return s.addressDone(w, r, a.ContactID, a.ID, crm.AddressInput{}, s.svc.DeleteAddress(r.Context(), a.ID))
}

func (s *Server) apiAddressList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Addresses(r.Context(), id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []crm.Address{}
	}
	writeJSON(w, http.StatusOK, page[crm.Address]{Data: list})
	return nil
}

func (s *Server) routesForAddresses(mux *patternMux) {
	mux.Handle("POST /contacts/{id}/addresses", s.user(s.addressAdd))
	mux.Handle("POST /addresses/{id}", s.user(s.addressSave))
	mux.Handle("POST /addresses/{id}/delete", s.user(s.addressDelete))
	mux.Handle("GET /api/v1/contacts/{id}/addresses", s.apiUser(s.apiAddressList))
	mux.Handle("POST /api/v1/contacts/{id}/addresses", s.apiUser(apiApply(http.StatusCreated, s.svc.AddAddress)))
	mux.Handle("GET /api/v1/addresses/{id}", s.apiUser(apiGet(s.svc.Address)))
	mux.Handle("PATCH /api/v1/addresses/{id}", s.apiUser(apiApply(http.StatusOK, s.svc.UpdateAddress)))
	mux.Handle("DELETE /api/v1/addresses/{id}", s.apiUser(apiDelete(s.svc.DeleteAddress)))
}
