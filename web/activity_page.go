package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/sheet"
)

// activityPerPage is the number of entries per page of the log.
const activityPerPage = 50

// activityModules are the modules that write to the log, for the filter.
var activityModules = []string{"account", "contacts", "sales", "purchases", "deliveries", "support", "identity", "users", "activity"}

type activityDay struct {
	Day     string
	Entries []activity.Entry
}

type activityPageData struct {
	Page
	Days    []activityDay
	Next    int64
	Query   activityQuery
	Members []identity.Member
	Modules []string
	Verify  *verifyResult
}

// activityQuery is the filter as typed in the form, kept for links.
type activityQuery struct {
	Day, Module, RecordType string
	UserID, RecordID        int64
}

// Encode returns the query string of the filter, for the export and paging links.
func (q activityQuery) Encode() string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" && s != "0" {
			v.Set(k, s)
		}
	}
	set("day", q.Day)
	set("module", q.Module)
	set("record_type", q.RecordType)
	set("user", strconv.FormatInt(q.UserID, 10))
	set("record", strconv.FormatInt(q.RecordID, 10))
	return v.Encode()
}

type verifyResult struct {
	OK      bool
	Checked int64
	Break   *activity.Break
}

// activityFilter reads the filter: a day in the account's time zone, a
// user, a module, a record.
func activityFilter(r *http.Request, loc *time.Location) (activity.Filter, activityQuery, error) {
	q := r.URL.Query()
	aq := activityQuery{Day: q.Get("day"), Module: q.Get("module"), RecordType: q.Get("record_type")}
	aq.UserID, _ = strconv.ParseInt(q.Get("user"), 10, 64)
	aq.RecordID, _ = strconv.ParseInt(q.Get("record"), 10, 64)
	f := activity.Filter{UserID: aq.UserID, Module: aq.Module, RecordType: aq.RecordType, RecordID: aq.RecordID}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if aq.Day != "" {
		d, err := time.ParseInLocation("2006-01-02", aq.Day, loc)
		if err != nil {
			return f, aq, &errs.Error{Op: "web.activityFilter", Kind: errs.Invalid, Message: "day must be YYYY-MM-DD",
				Fields: []errs.FieldError{{Field: "day", Code: "invalid_date", Message: "day must be YYYY-MM-DD"}}}
		}
		f.From, f.To = d, d.AddDate(0, 0, 1)
	}
	return f, aq, nil
}

// activityPage shows the log day by day (in the account's time zone),
// newest first, with filters.
func (s *Server) activityPage(w http.ResponseWriter, r *http.Request) error {
	p := &activityPageData{Page: s.basePage(r), Modules: activityModules}
	f, q, err := activityFilter(r, p.loc)
	if err != nil {
		return err
	}
	p.Query = q
	f.Limit = activityPerPage + 1
	entries, err := s.svc.Activity(r.Context(), f)
	if err != nil {
		return err
	}
	if access.From(r.Context()).Can(access.Users, access.View) {
		if p.Members, err = s.svc.Members(r.Context()); err != nil {
			return err
		}
	}
	if len(entries) > activityPerPage {
		entries = entries[:activityPerPage]
		p.Next = entries[len(entries)-1].ID
	}
	p.Days = groupByDay(p.Page, entries)
	if r.URL.Query().Get("verify") != "" {
		brk, n, err := s.svc.VerifyActivity(r.Context())
		if err != nil {
			return err
		}
		p.Verify = &verifyResult{OK: brk == nil, Checked: n, Break: brk}
	}
	return s.render(w, r, "activity", p)
}

// groupByDay groups entries by day in the page's time zone.
func groupByDay(p Page, entries []activity.Entry) []activityDay {
	var days []activityDay
	for _, e := range entries {
		day := e.At.In(p.loc).Format("2006-01-02")
		if n := len(days); n == 0 || days[n-1].Day != day {
			days = append(days, activityDay{Day: day})
		}
		days[len(days)-1].Entries = append(days[len(days)-1].Entries, e)
	}
	for i := range days {
		days[i].Day = p.longDate(days[i].Day, "Monday 2 January 2006")
	}
	return days
}

// activityExport writes the filtered log as CSV (UTF-8 with a byte-order
// mark so that spreadsheet software reads the accents right).
func (s *Server) activityExport(w http.ResponseWriter, r *http.Request) error {
	p := s.basePage(r)
	f, _, err := activityFilter(r, p.loc)
	if err != nil {
		return err
	}
	entries, err := s.svc.ExportActivity(r.Context(), f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="activity.csv"`)
	// A byte-order mark so that spreadsheets read the accents right.
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return err
	}
	cw, err := sheet.NewWriter(w, false)
	if err != nil {
		return err
	}
	_ = cw.Write([]string{"id", "at_utc", "at_local", "user", "module", "action", "record_type", "record_id", "summary", "changes", "ip", "user_agent"})
	for _, e := range entries {
		var ch []string
		for _, c := range e.Changes {
			ch = append(ch, c.Field+": "+c.Before+" → "+c.After)
		}
		_ = cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), e.At.In(p.loc).Format("2006-01-02 15:04:05"),
			e.UserEmail, e.Module, e.Action, e.RecordType, strconv.FormatInt(e.RecordID, 10), e.Summary,
			strings.Join(ch, "; "), e.IP, e.UserAgent})
	}
	return cw.Flush()
}
