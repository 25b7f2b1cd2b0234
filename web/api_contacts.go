package web

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

// contactCursor holds the keyset of the last contact of a page.
func contactCursor(c crm.Contact) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.ID, 10) + ":" + c.SortKey()))
}

func (s *Server) apiContactList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := crm.Filter{Query: q.Get("q"), Role: q.Get("role"), Tag: q.Get("tag"), Limit: defaultLimit}
	var fe errs.Fields
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			fe.Add("limit", "out_of_range", "limit must be a whole number from 1 to 200")
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		id, key, ok := strings.Cut(string(b), ":")
		n, perr := strconv.ParseInt(id, 10, 64)
		if err != nil || !ok || perr != nil || n <= 0 {
			fe.Add("cursor", "invalid_cursor", "cursor is not one this API returned")
		}
		f.AfterID, f.AfterKey = n, key
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
	p := page[crm.Contact]{Data: items}
	if p.Data == nil {
		p.Data = []crm.Contact{}
	}
	if len(items) > limit {
		p.Data = items[:limit]
		p.NextCursor = contactCursor(items[limit-1])
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
