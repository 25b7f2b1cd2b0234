package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/service"
)

// calendarDay is one day of the calendar with what happens on it.
type calendarDay struct {
	Date    time.Time
	InMonth bool
	Today   bool
	Items   []crm.Conversation
}

// ISO is the day as 2006-01-02.
func (d calendarDay) ISO() string { return d.Date.Format("2006-01-02") }

type calendarPage struct {
	Page
	Week             bool // a week list rather than a month grid
	All              bool // everyone's, not only the viewer's
	CanAll           bool
	Label            string
	Weeks            [][]calendarDay
	Days             []calendarDay // the week view
	Prev, Next, Here string
	MonthLink        string // the month of the week shown, or the week of the month's first day
}

// Clock is the time of day of t in the account's time zone.
func (p calendarPage) Clock(t time.Time) string { return t.In(p.loc).Format("15:04") }

// DayLabel writes a day in full words.
func (p calendarPage) DayLabel(d calendarDay) string {
	return p.longDate(d.ISO(), "Monday 2 January 2006")
}

// Weekdays are the column headings, Monday first.
func (p calendarPage) Weekdays() []string {
	monday := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) // a Monday
	out := make([]string, 7)
	for i := range out {
		d := monday.AddDate(0, 0, i)
		if p.lang == "en" {
			out[i] = d.Format("Monday")
		} else {
			out[i] = frenchDays[d.Weekday()]
		}
	}
	return out
}

// mondayOf returns the Monday starting the week of d.
func mondayOf(d time.Time) time.Time { return d.AddDate(0, 0, -(int(d.Weekday())+6)%7) }

// calendar shows the viewer's (or everyone's) appointments and tasks due
// as a month grid (?month=2026-05) or a week list (?week=2026-05-04), in
// the account's time zone.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) error {
	p := &calendarPage{Page: s.basePage(r)}
	q := r.URL.Query()
	p.CanAll = service.CanSeeEveryonesCalendar(r.Context())
	p.All = p.CanAll && q.Get("all") != ""
	now := time.Now().In(p.loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, p.loc)
	var from, until time.Time
	var month time.Month
	if wk := q.Get("week"); wk != "" {
		d, err := time.ParseInLocation("2006-01-02", wk, p.loc)
		if err != nil {
			d = today
		}
		p.Week, from = true, mondayOf(d)
		until = from.AddDate(0, 0, 7)
		p.Label = p.longDate(from.Format("2006-01-02"), "Monday 2 January 2006") + " – " + p.longDate(until.AddDate(0, 0, -1).Format("2006-01-02"), "Monday 2 January 2006")
		p.Prev, p.Next, p.Here = p.link("week", from.AddDate(0, 0, -7).Format("2006-01-02")), p.link("week", until.Format("2006-01-02")), p.link("week", "")
		p.MonthLink = p.link("month", from.Format("2006-01"))
	} else {
		first, err := time.ParseInLocation("2006-01", q.Get("month"), p.loc)
		if err != nil {
			first = time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, p.loc)
		}
		from = mondayOf(first)
		until = mondayOf(first.AddDate(0, 1, 0).AddDate(0, 0, -1)).AddDate(0, 0, 7)
		p.Label = p.monthLabel(first)
		p.Prev, p.Next, p.Here = p.link("month", first.AddDate(0, -1, 0).Format("2006-01")), p.link("month", first.AddDate(0, 1, 0).Format("2006-01")), p.link("month", "")
		p.MonthLink = p.link("week", first.Format("2006-01-02"))
		month = first.Month()
	}
	items, err := s.svc.Calendar(r.Context(), from, until, p.All)
	if err != nil {
		return err
	}
	for d := from; d.Before(until); d = d.AddDate(0, 0, 1) {
		p.Days = append(p.Days, calendarDay{Date: d, Today: d.Equal(today), InMonth: true})
	}
	for _, it := range items {
		at := it.At
		if it.Kind == crm.Task && it.DueAt != nil {
			at = *it.DueAt
		}
		local := at.In(p.loc)
		day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, p.loc)
		for i := range p.Days {
			if p.Days[i].Date.Equal(day) {
				p.Days[i].Items = append(p.Days[i].Items, it)
			}
		}
	}
	if !p.Week {
		p.Weeks = weeksOf(p.Days, month)
	}
	return s.render(w, r, "calendar", p)
}

// weeksOf cuts days into rows of seven, marking those outside month.
func weeksOf(days []calendarDay, month time.Month) [][]calendarDay {
	var weeks [][]calendarDay
	for i := 0; i+7 <= len(days); i += 7 {
		row := days[i : i+7]
		for j := range row {
			row[j].InMonth = row[j].Date.Month() == month
		}
		weeks = append(weeks, row)
	}
	return weeks
}

// link is the calendar's URL for a month or a week, keeping "everyone".
func (p calendarPage) link(view, value string) string {
	v := url.Values{}
	if value != "" {
		v.Set(view, value)
	} else if view == "week" {
		v.Set("week", "today")
	}
	if p.All {
		v.Set("all", "1")
	}
	if len(v) == 0 {
		return "/calendar"
	}
	return "/calendar?" + v.Encode()
}

// monthLabel writes "mai 2026" or "May 2026".
func (p Page) monthLabel(d time.Time) string {
	if p.lang == "en" {
		return d.Format("January 2006")
	}
	return frenchMonths[d.Month()-1] + " " + d.Format("2006")
}
