package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
)

func init() { pageNames = append(pageNames, "privacy_retention", "privacy_archive") }

// routesForRetention binds the retention screens and API: the policies,
// the preview of a run on a day, the runs, and the intermediate archive.
// All of it needs the privacy right (the service checks).
func (s *Server) routesForRetention(mux *patternMux) {
	mux.Handle("GET /privacy/retention", s.user(s.retentionPage))
	mux.Handle("POST /privacy/retention/policies/{key}", s.user(s.retentionPolicySave))
	mux.Handle("POST /privacy/retention/runs", s.user(s.retentionRunNow))
	mux.Handle("GET /privacy/archive", s.user(s.archivePage))

	mux.Handle("GET /api/v1/privacy/retention/policies", s.apiUser(s.apiRetentionPolicies))
	mux.Handle("PUT /api/v1/privacy/retention/policies/{key}", s.apiUser(s.apiRetentionPolicyPut))
	mux.Handle("GET /api/v1/privacy/retention/preview", s.apiUser(s.apiRetentionPreview))
	mux.Handle("GET /api/v1/privacy/retention/runs", s.apiUser(s.apiRetentionRuns))
	mux.Handle("POST /api/v1/privacy/retention/runs", s.apiUser(s.apiRetentionRun))
}

type retentionPageData struct {
	Page
	Policies []privacy.Policy
	Edit     string // the policy whose form failed
	Form     service.PolicyInput
	Errors   formErrors
	AsOf     string
	Plan     *privacy.Plan
	Runs     []privacy.Run
}

// Period writes a period in words ("2 ans 6 mois"), "—" when zero.
func (p Page) Period(v privacy.Period) string {
	var parts []string
	for _, u := range []struct {
		n  int
		id string
	}{{v.Years, "retention.years"}, {v.Months, "retention.months"}, {v.Days, "retention.days"}} {
		if u.n != 0 {
			parts = append(parts, p.T(u.id, u.n))
		}
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, " ")
}

// Nonzero reports whether a plan or a run touches records.
func (retentionPageData) Nonzero(steps []privacy.Step) []privacy.Step {
	var out []privacy.Step
	for _, s := range steps {
		if s.Count > 0 {
			out = append(out, s)
		}
	}
	return out
}

// today is the current day in the page's time zone, as YYYY-MM-DD.
func (p Page) today() string { return time.Now().In(p.loc).Format(time.DateOnly) }

// parseDay reads a day (YYYY-MM-DD) given in field; empty is today in the
// page's time zone.
func parseDay(p Page, field, v string) (time.Time, error) {
	if v == "" {
		v = p.today()
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		var f errs.Fields
		f.Add(field, "invalid_date", field+" must be a day as YYYY-MM-DD")
		return t, f.Err("web.parseDay")
	}
	return t, nil
}

func (s *Server) retentionData(r *http.Request, p *retentionPageData) error {
	var err error
	if p.Policies, err = s.svc.RetentionPolicies(r.Context()); err != nil {
		return err
	}
	if p.Runs, err = s.svc.RetentionRuns(r.Context(), 20); err != nil {
		return err
	}
	if p.AsOf != "" {
		day, err := parseDay(p.Page, "as_of", p.AsOf)
		if err != nil {
			return err
		}
		plan, err := s.svc.PlanRetention(r.Context(), day)
		if err != nil {
			return err
		}
		p.Plan = &plan
	}
	return nil
}

// retentionPage shows the policies, a preview of a run on a chosen day,
// the button to run now and the runs so far.
func (s *Server) retentionPage(w http.ResponseWriter, r *http.Request) error {
	p := &retentionPageData{Page: s.basePage(r), AsOf: r.URL.Query().Get("as_of")}
	if err := s.retentionData(r, p); err != nil {
		return err
	}
	return s.render(w, r, "privacy_retention", p)
}

func periodFromForm(r *http.Request, prefix string, bad *errs.Fields) privacy.Period {
	n := func(unit string) int {
		v := strings.TrimSpace(r.PostFormValue(prefix + "_" + unit))
		if v == "" {
			return 0
		}
		k, err := strconv.Atoi(v)
		if err != nil {
			bad.Add(prefix, "invalid_number", prefix+" must be whole numbers")
		}
		return k
	}
	return privacy.Period{Years: n("years"), Months: n("months"), Days: n("days")}
}

func (s *Server) retentionPolicySave(w http.ResponseWriter, r *http.Request) error {
	var bad errs.Fields
	in := service.PolicyInput{Active: periodFromForm(r, "active", &bad), Archive: periodFromForm(r, "archive", &bad)}
	key := r.PathValue("key")
	err := bad.Err("web.retentionPolicySave")
	if err == nil {
		_, err = s.svc.SetRetentionPolicy(r.Context(), key, in)
	}
	if errs.Is(err, errs.Invalid) {
		p := &retentionPageData{Page: s.basePage(r), Edit: key, Form: in, Errors: fieldErrors(err)}
		if err := s.retentionData(r, p); err != nil {
			return err
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "privacy_retention", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/privacy/retention?notice=saved")
}

// retentionRunNow runs retention as of today, or only logs what it would
// do when dry_run is set.
func (s *Server) retentionRunNow(w http.ResponseWriter, r *http.Request) error {
	p := s.basePage(r)
	day, err := parseDay(p, "as_of", "")
	if err != nil {
		return err
	}
	dry := r.PostFormValue("dry_run") != ""
	if _, err := s.svc.RunRetention(r.Context(), day, dry); err != nil {
		return err
	}
	if dry {
		return redirectAfterPost(w, r, "/privacy/retention?notice=retention_tried#runs")
	}
	return redirectAfterPost(w, r, "/privacy/retention?notice=retention_applied#runs")
}

type archivePageData struct {
	Page
	Contacts []privacy.ArchivedContact
}

// archivePage lists the contacts in the intermediate archive.
func (s *Server) archivePage(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.ArchivedContacts(r.Context(), 500)
	if err != nil {
		return err
	}
	return s.render(w, r, "privacy_archive", &archivePageData{Page: s.basePage(r), Contacts: list})
}

func (s *Server) apiRetentionPolicies(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.RetentionPolicies(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(list, len(list)+1, func(privacy.Policy) string { return "" }))
	return nil
}

func (s *Server) apiRetentionPolicyPut(w http.ResponseWriter, r *http.Request) error {
	var in service.PolicyInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.svc.SetRetentionPolicy(r.Context(), r.PathValue("key"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiRetentionPreview(w http.ResponseWriter, r *http.Request) error {
	day, err := parseDay(s.basePage(r), "as_of", r.URL.Query().Get("as_of"))
	if err != nil {
		return err
	}
	plan, err := s.svc.PlanRetention(r.Context(), day)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, plan)
	return nil
}

func (s *Server) apiRetentionRuns(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.RetentionRuns(r.Context(), 50)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(list, len(list)+1, func(privacy.Run) string { return "" }))
	return nil
}

// runInput is the body of a run: dry or not, as on a day (today when
// empty; a real run cannot be dated after today).
type runInput struct {
	DryRun bool   `json:"dry_run"`
	AsOf   string `json:"as_of"`
}

func (s *Server) apiRetentionRun(w http.ResponseWriter, r *http.Request) error {
	var in runInput
	if err := decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	day, err := parseDay(s.basePage(r), "as_of", in.AsOf)
	if err != nil {
		return err
	}
	run, err := s.svc.RunRetention(r.Context(), day, in.DryRun)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, run)
	return nil
}
