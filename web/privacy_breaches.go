package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
)

func (s *Server) routesForBreaches(mux *patternMux) {
	mux.Handle("GET /privacy/breaches", s.user(s.breachList))
	mux.Handle("GET /privacy/breaches/new", s.user(s.breachNew))
	mux.Handle("POST /privacy/breaches", s.user(s.breachCreate))
	mux.Handle("GET /privacy/breaches/{id}", s.user(s.breachForm))
	mux.Handle("POST /privacy/breaches/{id}", s.user(s.breachSave))
	mux.Handle("GET /api/v1/privacy/breaches", s.apiUser(s.apiBreachList))
	mux.Handle("POST /api/v1/privacy/breaches", s.apiUser(apiCreate(s.svc.RecordBreach)))
	mux.Handle("GET /api/v1/privacy/breaches/{id}", s.apiUser(apiGet(s.svc.Breach)))
	mux.Handle("PATCH /api/v1/privacy/breaches/{id}", s.apiUser(apiApply(http.StatusOK, s.svc.UpdateBreach)))
}

// breachRow is a breach with its 72-hour clock as of the page's time.
type breachRow struct {
	privacy.Breach
	now time.Time
}

// Overdue: the CNIL should have been notified and was not.
func (b breachRow) Overdue() bool { return b.Breach.Overdue(b.now) }

// Clock says how long is left, or how late the notification is, in hours.
func (b breachRow) Clock() (hours int, late bool) {
	left := b.TimeLeft(b.now)
	if left < 0 {
		return int((-left + time.Hour - 1) / time.Hour), true
	}
	return int(left / time.Hour), false
}

// HoursLeft is the clock's hours for templates: left, or late by when Late.
func (b breachRow) HoursLeft() int { h, _ := b.Clock(); return h }

// Late reports whether the deadline has passed.
func (b breachRow) Late() bool { _, l := b.Clock(); return l }

type breachesPage struct {
	Page
	Items []breachRow
	Next  int64
}

type breachPage struct {
	Page
	Form       breachRow
	Categories []privacy.Category
	Subjects   []privacy.Subject
	Risks      []privacy.Risk
	Statuses   []string
	Errors     formErrors
	History    []activity.Entry
	CanEdit    bool
}

// Local writes a time for a datetime-local input, in the account's zone.
func (p *breachPage) Local(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(p.loc).Format("2006-01-02T15:04")
}

// LocalAt is Local for a time that is always set.
func (p *breachPage) LocalAt(t time.Time) string { return p.Local(&t) }

// HasCategory and HasSubject tick the form's boxes.
func (p *breachPage) HasCategory(c privacy.Category) bool {
	for _, v := range p.Form.Categories {
		if v == c {
			return true
		}
	}
	return false
}

// HasSubject reports whether the breach concerns people of kind s.
func (p *breachPage) HasSubject(s privacy.Subject) bool {
	for _, v := range p.Form.Subjects {
		if v == s {
			return true
		}
	}
	return false
}

func (s *Server) breachList(w http.ResponseWriter, r *http.Request) error {
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return errs.E("web.breachList", errs.Invalid, "bad page")
		}
		after = n
	}
	const per = 50
	list, err := s.svc.Breaches(r.Context(), after, per+1)
	if err != nil {
		return err
	}
	p := &breachesPage{Page: s.basePage(r)}
	p.Notice = breachNotice(r.URL.Query().Get("notice"))
	now := time.Now()
	for i, b := range list {
		if i == per {
			p.Next = list[per-1].ID
			break
		}
		p.Items = append(p.Items, breachRow{Breach: b, now: now})
	}
	return s.render(w, r, "privacy_breaches", p)
}

func breachNotice(n string) string {
	switch n {
	case "created", "saved":
		return "breach.notice." + n
	}
	return ""
}

func (s *Server) breachPageFor(r *http.Request, b privacy.Breach) *breachPage {
	p := &breachPage{Page: s.basePage(r), Form: breachRow{Breach: b, now: time.Now()}, Categories: privacy.Categories,
		Subjects: privacy.Subjects, Risks: privacy.Risks, Statuses: privacy.BreachStatuses}
	p.CanEdit = p.Can("privacy", "edit")
	if b.ID == 0 {
		p.CanEdit = p.Can("privacy", "create")
	}
	p.Notice = breachNotice(r.URL.Query().Get("notice"))
	return p
}

func (s *Server) breachNew(w http.ResponseWriter, r *http.Request) error {
	if !s.basePage(r).Can("privacy", "create") {
		return errs.E("web.breachNew", errs.Forbidden, "you may not record a breach")
	}
	b := privacy.Breach{Risk: privacy.RiskPresent, Status: privacy.BreachOpen, DiscoveredAt: time.Now().UTC()}
	return s.render(w, r, "privacy_breach", s.breachPageFor(r, b))
}

// breachInputFromForm reads the form; a date that is not one is a field
// error of its own.
func breachInputFromForm(r *http.Request, loc *time.Location) (privacy.BreachInput, errs.Fields) {
	var fe errs.Fields
	str := func(k string) *string { v := strings.TrimSpace(r.PostFormValue(k)); return &v }
	at := func(k string) *time.Time {
		v := strings.TrimSpace(r.PostFormValue(k))
		if v == "" {
			return nil
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
		if err != nil {
			fe.Add(k, "invalid_datetime", k+" is not a date and time")
			return nil
		}
		return &t
	}
	count := func(k string) *int64 {
		v := strings.TrimSpace(r.PostFormValue(k))
		if v == "" {
			var zero int64
			return &zero
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fe.Add(k, "not_a_count", k+" is not a whole number")
			return nil
		}
		return &n
	}
	_ = r.ParseForm()
	var cats []privacy.Category
	for _, c := range r.PostForm["categories"] {
		cats = append(cats, privacy.Category(c))
	}
	var subjects []privacy.Subject
	for _, v := range r.PostForm["subjects"] {
		subjects = append(subjects, privacy.Subject(v))
	}
	if cats == nil {
		cats = []privacy.Category{}
	}
	if subjects == nil {
		subjects = []privacy.Subject{}
	}
	risk := privacy.Risk(strings.TrimSpace(r.PostFormValue("risk")))
	in := privacy.BreachInput{ReportedBy: str("reported_by"), Nature: str("nature"), Categories: &cats, Subjects: &subjects,
		PeopleCount: count("people_count"), RecordsCount: count("records_count"), Consequences: str("consequences"),
		Measures: str("measures"), Risk: &risk, AuthorityReference: str("authority_reference"), LateReason: str("late_reason"),
		NoNoticeReason: str("no_notice_reason"), Status: str("status")}
	if d := at("discovered_at"); d != nil {
		in.DiscoveredAt = d
	} else if !fe.Has("discovered_at") {
		fe.Add("discovered_at", "required", "when the breach was discovered is required")
	}
	cnil, people := at("authority_notified_at"), at("people_notified_at")
	in.AuthorityNotifiedAt, in.PeopleNotifiedAt = &cnil, &people
	return in, fe
}

// formProblems merges the form's own errors with the service's.
func formProblems(fe errs.Fields, err error) formErrors {
	out := fieldErrors(fe.Err("web"))
	for k, v := range fieldErrors(err) {
		if _, seen := out[k]; !seen {
			out[k] = v
		}
	}
	return out
}

func (s *Server) breachCreate(w http.ResponseWriter, r *http.Request) error {
	in, fe := breachInputFromForm(r, s.basePage(r).loc)
	var err error
	var b privacy.Breach
	if len(fe) == 0 {
		b, err = s.svc.RecordBreach(r.Context(), in)
	}
	if len(fe) > 0 || errs.Is(err, errs.Invalid) {
		in.Apply(&b)
		p := s.breachPageFor(r, b)
		p.Errors = formProblems(fe, err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "privacy_breach", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/privacy/breaches/"+strconv.FormatInt(b.ID, 10)+"?notice=created")
}

func (s *Server) breachForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := s.svc.Breach(r.Context(), id)
	if err != nil {
		return err
	}
	p := s.breachPageFor(r, b)
	if p.Can("activity", "view") {
		if p.History, err = s.svc.RecordHistory(r.Context(), "privacy", "breach", id); err != nil {
			return err
		}
	}
	return s.render(w, r, "privacy_breach", p)
}

func (s *Server) breachSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, fe := breachInputFromForm(r, s.basePage(r).loc)
	if len(fe) == 0 {
		_, err = s.svc.UpdateBreach(r.Context(), id, in)
	}
	if len(fe) > 0 || errs.Is(err, errs.Invalid) {
		b, gerr := s.svc.Breach(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		in.Apply(&b)
		p := s.breachPageFor(r, b)
		p.Errors = formProblems(fe, err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "privacy_breach", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/privacy/breaches/"+strconv.FormatInt(id, 10)+"?notice=saved")
}

func (s *Server) apiBreachList(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := listParams(r)
	if err != nil {
		return err
	}
	items, err := s.svc.Breaches(r.Context(), cursor, limit+1)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(items, limit, func(b privacy.Breach) string { return encodeCursor(b.ID) }))
	return nil
}
