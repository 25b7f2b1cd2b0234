package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/service"
)

// conversationInput reads the "add to the timeline" form; dates and times
// are typed in the account's time zone.
func conversationInput(r *http.Request, loc *time.Location) (crm.ConversationInput, error) {
	v := func(k string) *string { s := strings.TrimSpace(r.PostFormValue(k)); return &s }
	in := crm.ConversationInput{Kind: v("kind"), Subject: v("subject"), Body: v("body"), Place: v("place")}
	var f errs.Fields
	if d := r.PostFormValue("date"); d != "" {
		at, err := time.ParseInLocation("2006-01-02 15:04", d+" "+orDefault(r.PostFormValue("time"), "09:00"), loc)
		if err != nil {
			f.Add("at", "invalid_date", "date and time expected")
		}
		in.At = &at
	}
	if d := r.PostFormValue("due"); d != "" {
		due, err := time.ParseInLocation("2006-01-02 15:04", d+" 18:00", loc)
		if err != nil {
			f.Add("due_at", "invalid_date", "a date is expected")
		}
		in.DueAt = &due
	}
	if d := r.PostFormValue("remind"); d != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", d, loc)
		if err != nil {
			f.Add("remind_at", "invalid_date", "a date and time are expected")
		}
		in.RemindAt = &at
	}
	if m := r.PostFormValue("duration"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			f.Add("duration_min", "out_of_range", "minutes expected")
		}
		in.DurationMin = &n
	}
	return in, f.Err("web.conversationInput")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (s *Server) conversationAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := s.basePage(r)
	in, err := conversationInput(r, p.loc)
	if err == nil {
		_, err = s.svc.AddConversation(r.Context(), id, in)
	}
	if errs.Is(err, errs.Invalid) {
		return s.contactWithErrors(w, r, id, err)
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/contacts/"+strconv.FormatInt(id, 10)+"?notice=saved#timeline")
}

// contactWithErrors shows the contact's page again with what was wrong in
// a change to its timeline.
func (s *Server) contactWithErrors(w http.ResponseWriter, r *http.Request, contactID int64, err error) error {
	c, cerr := s.svc.Contact(r.Context(), contactID)
	if cerr != nil {
		return cerr
	}
	cp, derr := s.contactDetail(r, c)
	if derr != nil {
		return derr
	}
	cp.ConversationErrors = fieldErrors(err)
	s.renderPage(w, r, http.StatusUnprocessableEntity, "contact", cp)
	return nil
}

func (s *Server) taskDone(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	done := r.PostFormValue("done") != "0"
	c, err := s.svc.UpdateConversation(r.Context(), id, crm.ConversationInput{Done: &done})
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, localPath(orDefault(r.PostFormValue("next"), "/contacts/"+strconv.FormatInt(c.ContactID, 10))))
}

// invitationSend e-mails an appointment's invitation to its contact.
func (s *Server) invitationSend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sent, err := s.svc.SendInvitation(r.Context(), id, service.InvitationInput{Lang: r.PostFormValue("lang"), Message: r.PostFormValue("message")})
	if errs.Is(err, errs.Invalid) {
		return s.contactWithErrors(w, r, sent.Entry.ContactID, err)
	}
	if err != nil {
		return err
	}
	notice := "invitation_sent"
	if !sent.MailSent {
		notice = "invitation_unsent"
	}
	return redirectAfterPost(w, r, "/contacts/"+strconv.FormatInt(sent.Entry.ContactID, 10)+"?notice="+notice+"#timeline")
}

type agendaPage struct {
	Page
	Items []crm.Conversation
	Days  int
}

// agenda shows the viewer's tasks and appointments for today or the week.
func (s *Server) agenda(w http.ResponseWriter, r *http.Request) error {
	p := &agendaPage{Page: s.basePage(r), Days: 1}
	if r.URL.Query().Get("week") != "" {
		p.Days = 7
	}
	now := time.Now().In(p.loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, p.loc)
	items, err := s.svc.Agenda(r.Context(), today, p.Days)
	if err != nil {
		return err
	}
	p.Items = items
	return s.render(w, r, "agenda", p)
}

func (s *Server) apiConversationList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Conversations(r.Context(), id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []crm.Conversation{}
	}
	writeJSON(w, http.StatusOK, page[crm.Conversation]{Data: list})
	return nil
}

func (s *Server) routesForConversations(mux *patternMux) {
	mux.Handle("POST /contacts/{id}/conversations", s.user(s.conversationAdd))
	mux.Handle("POST /conversations/{id}/done", s.user(s.taskDone))
	mux.Handle("POST /conversations/{id}/invitation", s.user(s.invitationSend))
	mux.Handle("GET /agenda", s.user(s.agenda))
	mux.Handle("GET /calendar", s.user(s.calendar))
	mux.Handle("GET /api/v1/contacts/{id}/conversations", s.apiUser(s.apiConversationList))
	mux.Handle("POST /api/v1/contacts/{id}/conversations", s.apiUser(apiApply(http.StatusCreated, s.svc.AddConversation)))
	mux.Handle("PATCH /api/v1/conversations/{id}", s.apiUser(apiApply(http.StatusOK, s.svc.UpdateConversation)))
	mux.Handle("POST /api/v1/conversations/{id}/invitation", s.apiUser(apiApply(http.StatusCreated, s.svc.SendInvitation)))
}
