package web

import (
	"net/http"
	"strconv"

	"github.com/comptoir/comptoir/activity"
)

// activityPerPage is the number of entries per page of the log.
const activityPerPage = 50

type activityDay struct {
	Day     string
	Entries []activity.Entry
}

type activityPageData struct {
	Page
	Days []activityDay
	Next int64
}

// activityPage shows the log day by day (in the account's time zone),
// newest first.
func (s *Server) activityPage(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	entries, err := s.svc.Activity(r.Context(), before, activityPerPage+1)
	if err != nil {
		return err
	}
	p := &activityPageData{Page: s.basePage(r)}
	if len(entries) > activityPerPage {
		entries = entries[:activityPerPage]
		p.Next = entries[len(entries)-1].ID
	}
	layout := "Monday 2 January 2006"
	for _, e := range entries {
		day := e.At.In(p.loc).Format("2006-01-02")
		if n := len(p.Days); n == 0 || p.Days[n-1].Day != day {
			p.Days = append(p.Days, activityDay{Day: day})
		}
		p.Days[len(p.Days)-1].Entries = append(p.Days[len(p.Days)-1].Entries, e)
	}
	for i := range p.Days {
		p.Days[i].Day = p.longDate(p.Days[i].Day, layout)
	}
	return s.render(w, r, "activity", p)
}
