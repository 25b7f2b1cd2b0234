package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

// mergeFields are the fields offered side by side when merging.
var mergeFields = []string{"civility", "last_name", "first_name", "company_name", "shop_name", "email", "phone",
	"address", "birth_date", "siren", "siret", "vat_number", "iban", "bic", "notes", "source"}

type mergePage struct {
	Page
	Keep, Dup crm.Contact
	Fields    []mergeRow
}

type mergeRow struct {
	Name, Label, Keep, Dup string
	// TakeDup preselects the duplicate's value where the kept contact has
	// none: merging never empties a field unless the user asks.
	TakeDup bool
}

func contactField(c crm.Contact, name string) string {
	switch name {
	case "address":
		return c.Address.Line1 + " " + c.Address.PostalCode + " " + c.Address.City
	}
	for i, col := range crm.Columns {
		if col == name {
			return c.Row()[i]
		}
	}
	return ""
}

// mergeForm shows two contacts side by side, to choose field by field.
func (s *Server) mergeForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if ids := q["id"]; len(ids) == 2 && q.Get("keep") == "" {
		// Two contacts ticked in the list: the first is kept.
		q.Set("keep", ids[0])
		q.Set("dup", ids[1])
	} else if len(ids) > 0 && q.Get("keep") == "" {
		return errs.E("web.mergeForm", errs.Invalid, "tick exactly two contacts to merge them")
	}
	keepID, _ := strconv.ParseInt(q.Get("keep"), 10, 64)
	dupID, _ := strconv.ParseInt(q.Get("dup"), 10, 64)
	keep, err := s.svc.Contact(r.Context(), keepID)
	if err != nil {
		return err
	}
	dup, err := s.svc.Contact(r.Context(), dupID)
	if err != nil {
		return err
	}
	p := &mergePage{Page: s.basePage(r), Keep: keep, Dup: dup}
	for _, f := range mergeFields {
		k, d := contactField(keep, f), contactField(dup, f)
		if k != d {
			p.Fields = append(p.Fields, mergeRow{Name: f, Label: "merge.field." + f, Keep: k, Dup: d, TakeDup: strings.TrimSpace(k) == ""})
		}
	}
	return s.render(w, r, "merge", p)
}

func (s *Server) merge(w http.ResponseWriter, r *http.Request) error {
	keepID, _ := strconv.ParseInt(r.PostFormValue("keep"), 10, 64)
	dupID, _ := strconv.ParseInt(r.PostFormValue("dup"), 10, 64)
	var take []string
	for _, f := range mergeFields {
		if r.PostFormValue("take."+f) == "dup" {
			if f == "address" {
				take = append(take, "address")
				continue
			}
			take = append(take, f)
		}
	}
	c, err := s.svc.MergeContacts(r.Context(), keepID, dupID, take)
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/contacts/"+strconv.FormatInt(c.ID, 10)+"?notice=merged")
}

func (s *Server) apiContactMerge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		DuplicateID int64    `json:"duplicate_id"`
		Take        []string `json:"take"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.DuplicateID <= 0 {
		return &errs.Error{Op: "web.apiContactMerge", Kind: errs.Invalid, Message: "duplicate_id is required",
			Fields: []errs.FieldError{{Field: "duplicate_id", Code: "required", Message: "duplicate_id is required"}}}
	}
	c, err := s.svc.MergeContacts(r.Context(), id, in.DuplicateID, in.Take)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
