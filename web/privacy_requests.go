package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
)

// The pages of the data subjects' requests: the list with deadlines, a
// new request, a request's page (identity check, linked contacts found by
// the lookup, what its kind asks, the answer), the erasure's confirmation
// with its preview, and the person lookup.

type privacyRequestsPage struct {
	Page
	Today    string
	Open     []privacy.Request
	Recent   []privacy.Request
	Form     privacy.Request
	Errors   formErrors
	Kinds    []privacy.RequestKind
	Channels []string
}

// Urgency classes a deadline: overdue, near (a week or less) or "".
func (p privacyRequestsPage) Urgency(r privacy.Request) string { return urgency(p.Today, r) }

// DaysLeft is how many days remain before r's deadline.
func (p privacyRequestsPage) DaysLeft(r privacy.Request) int { return r.DaysLeft(p.Today) }

func urgency(today string, r privacy.Request) string {
	switch d := r.DaysLeft(today); {
	case r.Status != privacy.RequestOpen:
		return ""
	case d < 0:
		return "overdue"
	case d <= 7:
		return "near"
	}
	return ""
}

type privacyRequestPage struct {
	Page
	Today    string
	Req      privacy.Request
	Contacts []privacy.Match
	Query    string
	Found    *privacy.Lookup
	Errors   formErrors
	Problem  string // message id of a refusal the page explains
	History  []activity.Entry
	Statuses []privacy.RequestStatus
}

// Urgency classes the request's deadline.
func (p privacyRequestPage) Urgency() string { return urgency(p.Today, p.Req) }

// DaysLeft is how many days remain before the deadline.
func (p privacyRequestPage) DaysLeft() int { return p.Req.DaysLeft(p.Today) }

// Linked reports whether contact id is linked to the request.
func (p privacyRequestPage) Linked(id int64) bool {
	for _, c := range p.Req.ContactIDs {
		if c == id {
			return true
		}
	}
	return false
}

// Open reports whether the request is still open.
func (p privacyRequestPage) Open() bool { return p.Req.Status == privacy.RequestOpen }

type privacyErasePage struct {
	Page
	Req     privacy.Request
	Preview privacy.Report
	Kept    int
	Deleted int
}

type privacyLookupPage struct {
	Page
	Query  string
	Found  *privacy.Lookup
	Errors formErrors
}

func (s *Server) privacyRequestList(w http.ResponseWriter, r *http.Request) error {
	return s.renderRequestList(w, r, http.StatusOK, privacy.Request{Channel: "email"}, nil)
}

func (s *Server) renderRequestList(w http.ResponseWriter, r *http.Request, status int, form privacy.Request, fe formErrors) error {
	ctx := r.Context()
	open, err := s.svc.PrivacyRequests(ctx, privacy.RequestFilter{Open: true, Limit: 500})
	if err != nil {
		return err
	}
	recent, err := s.svc.PrivacyRequests(ctx, privacy.RequestFilter{Limit: 50})
	if err != nil {
		return err
	}
	today, err := s.svc.PrivacyToday(ctx)
	if err != nil {
		return err
	}
	s.renderPage(w, r, status, "privacy_requests", &privacyRequestsPage{Page: s.basePage(r), Today: today, Open: open, Recent: recent,
		Form: form, Errors: fe, Kinds: privacy.RequestKinds, Channels: privacy.Channels})
	return nil
}

func (s *Server) privacyRequestCreate(w http.ResponseWriter, r *http.Request) error {
	v := func(k string) *string { x := strings.TrimSpace(r.PostFormValue(k)); return &x }
	kind := privacy.RequestKind(r.PostFormValue("kind"))
	in := privacy.RequestInput{Kind: &kind, Name: v("requester_name"), Email: v("requester_email"), Phone: v("requester_phone"),
		Channel: v("channel"), Details: v("details")}
	if d := r.PostFormValue("received_on"); d != "" {
		in.ReceivedOn = &d
	}
	req, err := s.svc.CreatePrivacyRequest(r.Context(), in)
	if errs.Is(err, errs.Invalid) {
		var form privacy.Request
		in.Apply(&form)
		return s.renderRequestList(w, r, http.StatusUnprocessableEntity, form, fieldErrors(err))
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/privacy/requests/"+strconv.FormatInt(req.ID, 10)+"?notice=created")
}

// requestPage renders a request's page, with the lookup's matches when q
// is given and a problem or field errors after a refused action.
func (s *Server) requestPage(w http.ResponseWriter, r *http.Request, id int64, status int, actionErr error) error {
	ctx := r.Context()
	req, err := s.svc.PrivacyRequest(ctx, id)
	if err != nil {
		return err
	}
	today, err := s.svc.PrivacyToday(ctx)
	if err != nil {
		return err
	}
	p := &privacyRequestPage{Page: s.basePage(r), Today: today, Req: req, Statuses: []privacy.RequestStatus{privacy.RequestAnswered, privacy.RequestRefused, privacy.RequestClosed}}
	for _, cid := range req.ContactIDs {
		m, err := s.svc.PersonMatch(ctx, cid)
		if errs.Is(err, errs.NotFound) {
			p.Contacts = append(p.Contacts, privacy.Match{ContactID: cid, Erased: true})
			continue
		}
		if err != nil {
			return err
		}
		p.Contacts = append(p.Contacts, m)
	}
	p.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	if p.Query == "" && len(req.ContactIDs) == 0 && r.Method == http.MethodGet {
		p.Query = req.Email // the first lookup a new request needs
	}
	if p.Query != "" {
		found, err := s.svc.LookupPerson(ctx, p.Query)
		if err != nil && !errs.Is(err, errs.Invalid) {
			return err
		}
		p.Found = &found
	}
	if actionErr != nil {
		p.Errors = fieldErrors(actionErr)
		if len(p.Errors) == 0 {
			p.Problem = "privreq.problem." + errs.KindOf(actionErr).String()
		}
	}
	if p.Can("activity", "view") {
		if p.History, err = s.svc.RecordHistory(ctx, access.Privacy, "privacy_request", id); err != nil {
			return err
		}
	}
	s.renderPage(w, r, status, "privacy_request", p)
	return nil
}

func (s *Server) privacyRequestPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.requestPage(w, r, id, http.StatusOK, nil)
}

// requestAction runs an action of the request's page and comes back to it;
// a refusal the person can act on is shown on the page.
func (s *Server) requestAction(w http.ResponseWriter, r *http.Request, notice string, act func(id int64) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = act(id)
	switch {
	case err == nil:
		return redirectAfterPost(w, r, "/privacy/requests/"+strconv.FormatInt(id, 10)+"?notice="+notice)
	case errs.Is(err, errs.Invalid):
		return s.requestPage(w, r, id, http.StatusUnprocessableEntity, err)
	case errs.Is(err, errs.Conflict), errs.Is(err, errs.TooManyRequests), errs.Is(err, errs.Unavailable):
		return s.requestPage(w, r, id, statusOf[errs.KindOf(err)], err)
	}
	return err
}

func (s *Server) privacyRequestSave(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(w, r, "saved", func(id int64) error {
		v := func(k string) *string { x := strings.TrimSpace(r.PostFormValue(k)); return &x }
		_, err := s.svc.UpdatePrivacyRequest(r.Context(), id, privacy.RequestInput{Name: v("requester_name"), Email: v("requester_email"),
			Phone: v("requester_phone"), Details: v("details")})
		return err
	})
}

func (s *Server) privacyRequestCode(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(w, r, "code_sent", func(id int64) error {
		_, err := s.svc.SendRequestCode(r.Context(), id)
		return err
	})
}

func (s *Server) privacyRequestVerify(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(w, r, "saved", func(id int64) error {
		_, err := s.apiVerify(r.Context(), id, verifyInput{Code: strings.TrimSpace(r.PostFormValue("code")), Note: r.PostFormValue("note")})
		return err
	})
}

func (s *Server) privacyRequestLink(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(w, r, "saved", func(id int64) error {
		cid, err := strconv.ParseInt(r.PostFormValue("contact_id"), 10, 64)
		if err != nil || cid <= 0 {
			var f errs.Fields
			f.Add("contact_id", "not_found", "choose a contact")
			return f.Err("web.privacyRequestLink")
		}
		_, err = s.svc.LinkRequestContact(r.Context(), id, cid, r.PostFormValue("unlink") == "")
		return err
	})
}

func (s *Server) privacyRequestExtend(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(w, r, "saved", func(id int64) error {
		_, err := s.svc.ExtendPrivacyRequest(r.Context(), id, r.PostFormValue("reason"))
		return err
	})
}

func (s *Server) privacyRequestAnswer(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(w, r, "saved", func(id int64) error {
		_, err := s.svc.AnswerPrivacyRequest(r.Context(), id, privacy.RequestStatus(r.PostFormValue("status")), r.PostFormValue("answer"))
		return err
	})
}

func (s *Server) privacyRequestNote(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(w, r, "saved", func(id int64) error {
		_, err := s.svc.NoteOnRequest(r.Context(), id, r.PostFormValue("note"))
		return err
	})
}

func (s *Server) privacyRequestApply(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(w, r, "saved", func(id int64) error {
		_, err := s.apiApplyRequest(r.Context(), id)
		return err
	})
}

func (s *Server) privacyRequestExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.writeExport(w, r, id)
}

func (s *Server) privacyRequestErasePreview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	req, err := s.svc.PrivacyRequest(r.Context(), id)
	if err != nil {
		return err
	}
	preview, err := s.svc.ErasurePreview(r.Context(), id)
	if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
		return s.requestPage(w, r, id, statusOf[errs.KindOf(err)], err)
	}
	if err != nil {
		return err
	}
	return s.render(w, r, "privacy_erase", &privacyErasePage{Page: s.basePage(r), Req: req, Preview: preview,
		Kept: preview.Count(privacy.Kept), Deleted: preview.Count(privacy.Deleted)})
}

func (s *Server) privacyRequestErase(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(w, r, "saved", func(id int64) error {
		_, err := s.svc.EraseForRequest(r.Context(), id)
		return err
	})
}

func (s *Server) privacyRequestReportPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.writeReportPDF(w, r, id)
}

func (s *Server) privacyLookupPage(w http.ResponseWriter, r *http.Request) error {
	if err := access.Require(r.Context(), access.Privacy, access.View); err != nil {
		return err
	}
	p := &privacyLookupPage{Page: s.basePage(r), Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if p.Query != "" {
		found, err := s.svc.LookupPerson(r.Context(), p.Query)
		if errs.Is(err, errs.Invalid) {
			p.Errors = fieldErrors(err)
		} else if err != nil {
			return err
		}
		p.Found = &found
	}
	return s.render(w, r, "privacy_lookup", p)
}
