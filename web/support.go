package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

type supportPage struct {
	Page
	Cases []crm.Case
	All   bool
	Mine  bool
}

type casePage struct {
	Page
	Case       crm.Case
	Thread     []crm.Conversation
	Statuses   []string
	Priorities []string
	Members    []identity.Member
	Errors     formErrors
}

// Minutes writes a duration in whole minutes, for the case's figures.
func (casePage) Minutes(d time.Duration) int { return int(d.Minutes()) }

func (s *Server) supportQueue(w http.ResponseWriter, r *http.Request) error {
	all, mine := r.URL.Query().Get("all") != "", r.URL.Query().Get("mine") != ""
	cases, err := s.svc.Cases(r.Context(), all, mine)
	if err != nil {
		return err
	}
	return s.render(w, r, "support", &supportPage{Page: s.basePage(r), Cases: cases, All: all, Mine: mine})
}

func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	k, thread, err := s.svc.Case(r.Context(), id)
	if err != nil {
		return err
	}
	members, err := s.svc.CaseAssignees(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, "case", &casePage{Page: s.basePage(r), Case: k, Thread: thread,
		Statuses: crm.CaseStatuses, Priorities: crm.CasePriorities, Members: members})
}

func (s *Server) caseOpen(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	k, err := s.svc.OpenCase(r.Context(), id, r.PostFormValue("subject"), r.PostFormValue("priority"), r.PostFormValue("request"))
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/support/"+strconv.FormatInt(k.ID, 10))
}

func (s *Server) caseUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	status, priority := r.PostFormValue("status"), r.PostFormValue("priority")
	in := crm.CaseInput{Status: &status, Priority: &priority}
	if v := r.PostFormValue("assignee_id"); v != "" {
		assignee, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return &errs.Error{Op: "web.caseUpdate", Kind: errs.Invalid, Message: "unknown member",
				Fields: []errs.FieldError{{Field: "assignee_id", Code: "unknown_member"}}}
		}
		in.AssigneeID = &assignee
	}
	if _, err := s.svc.UpdateCase(r.Context(), id, in); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/support/"+strconv.FormatInt(id, 10)+"?notice=saved")
}

func (s *Server) caseAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.AnswerCase(r.Context(), id, orDefault(r.PostFormValue("kind"), crm.Email), r.PostFormValue("body")); err != nil {
		if errs.Is(err, errs.Invalid) {
			return errs.E("web.caseAnswer", errs.Invalid, "write the answer")
		}
		return err
	}
	return redirectAfterPost(w, r, "/support/"+strconv.FormatInt(id, 10)+"?notice=saved")
}

func (s *Server) apiCaseList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	cases, err := s.svc.Cases(r.Context(), q.Get("all") == "true", q.Get("mine") == "true")
	if err != nil {
		return err
	}
	if cases == nil {
		cases = []crm.Case{}
	}
	writeJSON(w, http.StatusOK, page[crm.Case]{Data: cases})
	return nil
}

func (s *Server) apiCaseCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Subject  string `json:"subject"`
		Priority string `json:"priority"`
		Request  string `json:"request"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := s.svc.OpenCase(r.Context(), id, in.Subject, in.Priority, in.Request)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}

func (s *Server) apiCaseGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	k, _, err := s.svc.Case(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

func (s *Server) routesForSupport(mux *patternMux) {
	mux.Handle("GET /support", s.user(s.supportQueue))
	mux.Handle("GET /support/{id}", s.user(s.caseShow))
	mux.Handle("POST /support/{id}", s.user(s.caseUpdate))
	mux.Handle("POST /support/{id}/answer", s.user(s.caseAnswer))
	mux.Handle("POST /contacts/{id}/cases", s.user(s.caseOpen))
	mux.Handle("GET /api/v1/cases", s.apiUser(s.apiCaseList))
	mux.Handle("POST /api/v1/contacts/{id}/cases", s.apiUser(s.apiCaseCreate))
	mux.Handle("GET /api/v1/cases/{id}", s.apiUser(s.apiCaseGet))
	mux.Handle("PATCH /api/v1/cases/{id}", s.apiUser(apiApply(http.StatusOK, s.svc.UpdateCase)))
}
