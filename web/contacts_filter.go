package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// contactQuery is a contact list's filters as the query string carries
// them, for the list page, its exports and its "next page" link.
type contactQuery struct {
	Query, Role, Tag, City, Owner, Before, After, Sort, Company string
	IDs                                                         []string // a selection
}

func readContactQuery(q url.Values) contactQuery {
	return contactQuery{Query: q.Get("q"), Role: q.Get("role"), Tag: q.Get("tag"), City: q.Get("city"),
		Owner: q.Get("owner"), Before: q.Get("contact_before"), After: q.Get("contact_after"), Sort: q.Get("sort"),
		Company: q.Get("company_id"), IDs: q["id"]}
}

// Values is the query string of the filters, without empty ones.
func (c contactQuery) Values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"q", c.Query}, {"role", c.Role}, {"tag", c.Tag}, {"city", c.City}, {"owner", c.Owner},
		{"contact_before", c.Before}, {"contact_after", c.After}, {"sort", c.Sort}, {"company_id", c.Company}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	for _, id := range c.IDs {
		v.Add("id", id)
	}
	return v
}

// Encode is the query string, for links: url.Values escapes every value,
// so templates may insert it as is.
func (c contactQuery) Encode() template.URL { return template.URL(c.Values().Encode()) }

// Filter checks the filters and turns them into a crm.Filter. Dates are
// days in the account's time zone; owner "me" is the viewer.
func (c contactQuery) Filter(actor identity.Actor, loc *time.Location, fe *errs.Fields) crm.Filter {
	f := crm.Filter{Query: c.Query, Role: c.Role, Tag: c.Tag, City: c.City, Sort: c.Sort}
	switch c.Role {
	case "", "prospect", "client", "supplier":
	default:
		fe.Add("role", "invalid_role", "role must be prospect, client or supplier")
	}
	switch c.Sort {
	case "", crm.SortName, crm.SortNewest:
	default:
		fe.Add("sort", "invalid_sort", "sort must be name or newest")
	}
	switch c.Owner {
	case "":
	case "me":
		f.OwnerID = actor.UserID
	default:
		id, err := strconv.ParseInt(c.Owner, 10, 64)
		if err != nil || id <= 0 {
			fe.Add("owner", "invalid_id", "owner must be a user id or me")
		}
		f.OwnerID = id
	}
	if c.Company != "" {
		id, err := strconv.ParseInt(c.Company, 10, 64)
		if err != nil || id <= 0 {
			fe.Add("company_id", "invalid_id", "company_id is a contact's id")
		}
		f.CompanyID = id
	}
	if len(c.IDs) > crm.MaxSelection {
		fe.Add("id", "too_many", "at most "+strconv.Itoa(crm.MaxSelection)+" contacts may be selected")
	}
	for _, v := range c.IDs {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			fe.Add("id", "invalid_id", "id is a contact's id")
			break
		}
		f.IDs = append(f.IDs, id)
	}
	day := func(field, v string) *time.Time {
		if v == "" {
			return nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			fe.Add(field, "invalid_date", field+" must be a date, YYYY-MM-DD")
			return nil
		}
		return &t
	}
	f.ContactBefore = day("contact_before", c.Before)
	f.ContactAfter = day("contact_after", c.After)
	return f
}

// contactFilter reads the filters of a contact list request.
func contactFilter(r *http.Request, fe *errs.Fields) (crm.Filter, contactQuery) {
	cq := readContactQuery(r.URL.Query())
	loc := time.UTC
	if v := viewerFrom(r.Context()); v != nil {
		loc = v.Account.Location()
	}
	return cq.Filter(identity.ActorFrom(r.Context()), loc, fe), cq
}
