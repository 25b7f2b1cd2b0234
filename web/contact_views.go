package web

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

// listURL is the contact list showing the filters of query, re-encoded
// from the known filters only, so that a posted query cannot lead
// elsewhere; notice, if any, is shown once.
func listURL(query, notice string) string {
	v, _ := url.ParseQuery(query)
	q := readContactQuery(v).Values()
	if notice != "" {
		q.Set("notice", notice)
	}
	if len(q) == 0 {
		return "/contacts"
	}
	return "/contacts?" + q.Encode()
}

// ViewURL is the link of a saved view.
func (p *contactsPage) ViewURL(v crm.SavedView) template.URL {
	return template.URL(listURL(v.Query, "")) // escaped by Encode
}

// CurrentQuery is the list's filters as a saved view stores them: a
// selection of ticked contacts is not a view.
func (p *contactsPage) CurrentQuery() string {
	v := p.Filter.Values()
	v.Del("id")
	return v.Encode()
}

// IsCurrent reports whether the list shows the filters of v.
func (p *contactsPage) IsCurrent(v crm.SavedView) bool { return v.Query == p.CurrentQuery() }

// contactViewSave saves the list's filters under a name and shows them.
// When the name is refused, the list comes back with the form's problems.
func (s *Server) contactViewSave(w http.ResponseWriter, r *http.Request) error {
	in := crm.SavedViewInput{Name: r.PostFormValue("name"), Query: r.PostFormValue("query")}
	v, _, err := s.svc.SaveContactView(r.Context(), in)
	if errs.Is(err, errs.Invalid) {
		list := r.Clone(r.Context())
		list.URL.Path, list.URL.RawQuery = "/contacts", in.Query
		return s.showContacts(w, list, http.StatusUnprocessableEntity, &contactsPage{ViewName: in.Name, ViewErrors: fieldErrors(err)})
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, listURL(v.Query, "saved"))
}

// contactViewDelete removes a saved view and goes back to the list's
// filters of the page it was deleted from.
func (s *Server) contactViewDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteContactView(r.Context(), id); err != nil {
		return err
	}
	return redirectAfterPost(w, r, listURL(r.PostFormValue("query"), "deleted"))
}

func (s *Server) apiContactViewList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.ContactViews(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []crm.SavedView{}
	}
	writeJSON(w, http.StatusOK, page[crm.SavedView]{Data: list})
	return nil
}

// apiContactViewSave answers 201 for a new view, 200 when the name was
// taken and its filters replaced.
func (s *Server) apiContactViewSave(w http.ResponseWriter, r *http.Request) error {
	var in crm.SavedViewInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	v, created, err := s.svc.SaveContactView(r.Context(), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, v)
	return nil
}

func (s *Server) routesForContactViews(mux *patternMux) {
	mux.Handle("POST /contacts/views", s.user(s.contactViewSave))
	mux.Handle("POST /contacts/views/{id}/delete", s.user(s.contactViewDelete))
	mux.Handle("GET /api/v1/contact-views", s.apiUser(s.apiContactViewList))
	mux.Handle("POST /api/v1/contact-views", s.apiUser(s.apiContactViewSave))
	mux.Handle("DELETE /api/v1/contact-views/{id}", s.apiUser(apiDelete(s.svc.DeleteContactView)))
}

// ShortSearch tells the list to say that a search of only one- or
// two-letter words looked through part of the list (crm.ShortSearchWindow)
// and found less than a page.
func (p *contactsPage) ShortSearch() bool {
	return crm.Filter{Query: p.Filter.Query}.ShortQuery() && len(p.Items) < contactsPerPage
}
