package crm

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
)

// ViewKeys are the filters of the contact list a saved view may hold: the
// keys of the list's query string, without pagination.
var ViewKeys = []string{"q", "role", "tag", "city", "owner", "contact_before", "contact_after", "sort", "company_id"}

// Limits of a saved view.
const (
	MaxViewName  = 60
	MaxViewQuery = 1000 // bytes of the stored query string
)

// SavedView is a user's named filters of the contact list. Views are
// personal: each user sees and deletes only their own.
type SavedView struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	// Query is the list's query string, canonical (url.Values.Encode) so
	// that it compares equal to the filters of the page showing it.
	Query     string    `json:"query"`
	CreatedAt time.Time `json:"created_at"`
}

// SavedViewInput is what a user sends to save a view.
type SavedViewInput struct {
	Name  string `json:"name"`
	Query string `json:"query"`
}

// Validate trims the name and makes the query canonical, reporting every
// problem.
func (v *SavedView) Validate() error {
	var f errs.Fields
	v.Name = strings.TrimSpace(v.Name)
	switch n := utf8.RuneCountInString(v.Name); {
	case n == 0:
		f.Add("name", "required", "a view needs a name")
	case n > MaxViewName:
		f.Add("name", "too_long", "name is too long (60 characters at most)")
	}
	if q, ok := canonicalQuery(v.Query, &f); ok {
		v.Query = q
	}
	return f.Err("crm.SavedView.Validate")
}

// canonicalQuery parses a list's query string ("?" optional) and encodes
// it again with sorted keys. Empty filters are dropped and a repeated key
// keeps its first value, as the list itself reads them.
func canonicalQuery(raw string, f *errs.Fields) (string, bool) {
	const tooLong = "query is too long (1000 bytes at most)"
	if len(raw) > MaxViewQuery {
		f.Add("query", "too_long", tooLong)
		return "", false
	}
	in, err := url.ParseQuery(strings.TrimPrefix(strings.TrimSpace(raw), "?"))
	if err != nil {
		f.Add("query", "invalid_query", "query is not a query string: "+err.Error())
		return "", false
	}
	out := url.Values{}
	for _, k := range slices.Sorted(maps.Keys(in)) {
		if !slices.Contains(ViewKeys, k) {
			f.Add("query", "unknown_filter", "unknown filter "+strconv.Quote(k)+" in query; the filters are "+strings.Join(ViewKeys, ", "))
			return "", false
		}
		if v := in[k][0]; v != "" {
			out.Set(k, v)
		}
	}
	q := out.Encode()
	if len(q) > MaxViewQuery {
		f.Add("query", "too_long", tooLong)
		return "", false
	}
	return q, true
}
