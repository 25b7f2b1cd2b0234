package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

// contactCursor holds the keyset of the last contact of a page.
func contactCursor(c crm.Contact) string {
	return encodeKeyset(strconv.FormatInt(c.ID, 10) + ":" + c.SortKey())
}

func (s *Server) apiContactList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var fe errs.Fields
	f := crm.Filter{Query: q.Get("q"), Role: q.Get("role"), Tag: q.Get("tag"), Limit: listLimit(r, &fe)}
	if text := cursorText(r, &fe); text != "" {
		id, key, cut := strings.Cut(text, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !cut || err != nil || n <= 0 {
			fe.Add("cursor", "invalid_cursor", badCursor)
		}
		f.AfterID, f.AfterKey = n, key
	}
	if company := q.Get("company_id"); company != "" {
		id, err := strconv.ParseInt(company, 10, 64)
		if err != nil || id <= 0 {
			fe.Add("company_id", "invalid_id", "company_id is a contact's id")
		}
		f.CompanyID = id
	}
	if f.Role != "" && f.Role != "prospect" && f.Role != "client" && f.Role != "supplier" {
		fe.Add("role", "invalid_role", "role must be prospect, client or supplier")
	}
	if err := fe.Err("web.apiContactList"); err != nil {
		return err
	}
	limit := f.Limit
	f.Limit++
	items, err := s.svc.Contacts(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(items, limit, contactCursor))
	return nil
}
