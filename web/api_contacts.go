package web

import (
	"net/http"
	"strconv"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

func (s *Server) apiContactList(w http.ResponseWriter, r *http.Request) error {
	var fe errs.Fields
	f, _ := contactFilter(r, &fe)
	f.Limit = listLimit(r, &fe)
	if id, key, ok := keysetCursor(r, &fe); ok {
		f.AfterID, f.AfterKey = id, key
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
