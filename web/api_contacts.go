package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

func (s *Server) apiContactList(w http.ResponseWriter, r *http.Request) error {
	var fe errs.Fields
	f, _ := contactFilter(r, &fe)
	f.Limit = listLimit(r, &fe)
	if text := cursorText(r, &fe); text != "" {
		id, key, cut := strings.Cut(text, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !cut || err != nil || n <= 0 {
			fe.Add("cursor", "invalid_cursor", badCursor)
		}
		f.AfterID, f.AfterKey = n, key
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
	// The cursor holds the keyset of the page's last contact.
	writeJSON(w, http.StatusOK, paginate(items, limit, func(c crm.Contact) string {
		return encodeKeyset(strconv.FormatInt(c.ID, 10) + ":" + f.KeyOf(c))
	}))
	return nil
}
