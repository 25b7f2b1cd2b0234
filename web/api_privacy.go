package web

import (
	"context"
	"net/http"

	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
)

// routesForPrivacyRequests registers the data subjects' requests and the
// person lookup, in the UI and the API.
func (s *Server) routesForPrivacyRequests(mux *patternMux) {
	mux.Handle("GET /privacy/requests", s.user(s.privacyRequestList))
	mux.Handle("POST /privacy/requests", s.user(s.privacyRequestCreate))
	mux.Handle("GET /privacy/requests/{id}", s.user(s.privacyRequestPage))
	mux.Handle("POST /privacy/requests/{id}", s.user(s.privacyRequestSave))
	mux.Handle("POST /privacy/requests/{id}/code", s.user(s.privacyRequestCode))
	mux.Handle("POST /privacy/requests/{id}/verify", s.user(s.privacyRequestVerify))
	mux.Handle("POST /privacy/requests/{id}/contacts", s.user(s.privacyRequestLink))
	mux.Handle("POST /privacy/requests/{id}/extend", s.user(s.privacyRequestExtend))
	mux.Handle("POST /privacy/requests/{id}/answer", s.user(s.privacyRequestAnswer))
	mux.Handle("POST /privacy/requests/{id}/note", s.user(s.privacyRequestNote))
	mux.Handle("POST /privacy/requests/{id}/apply", s.user(s.privacyRequestApply))
	mux.Handle("GET /privacy/requests/{id}/export", s.user(s.privacyRequestExport))
	mux.Handle("GET /privacy/requests/{id}/erase", s.user(s.privacyRequestErasePreview))
	mux.Handle("POST /privacy/requests/{id}/erase", s.user(s.privacyRequestErase))
	mux.Handle("GET /privacy/requests/{id}/report.pdf", s.user(s.privacyRequestReportPDF))
	mux.Handle("GET /privacy/lookup", s.user(s.privacyLookupPage))

	mux.Handle("GET /api/v1/privacy/requests", s.apiUser(s.apiPrivacyRequestList))
	mux.Handle("POST /api/v1/privacy/requests", s.apiUser(apiCreate(s.svc.CreatePrivacyRequest)))
	mux.Handle("GET /api/v1/privacy/requests/{id}", s.apiUser(apiGet(s.svc.PrivacyRequest)))
	mux.Handle("PATCH /api/v1/privacy/requests/{id}", s.apiUser(apiApply(http.StatusOK, s.svc.PatchPrivacyRequest)))
	mux.Handle("POST /api/v1/privacy/requests/{id}/code", s.apiUser(apiGet(s.svc.SendRequestCode)))
	mux.Handle("POST /api/v1/privacy/requests/{id}/verify", s.apiUser(apiApply(http.StatusOK, s.apiVerify)))
	mux.Handle("POST /api/v1/privacy/requests/{id}/extend", s.apiUser(apiApply(http.StatusOK,
		func(ctx context.Context, id int64, in extendInput) (privacy.Request, error) {
			return s.svc.ExtendPrivacyRequest(ctx, id, in.Reason)
		})))
	mux.Handle("POST /api/v1/privacy/requests/{id}/apply", s.apiUser(apiGet(s.apiApplyRequest)))
	mux.Handle("GET /api/v1/privacy/requests/{id}/export", s.apiUser(s.apiPrivacyExport))
	mux.Handle("GET /api/v1/privacy/requests/{id}/erasure-preview", s.apiUser(apiGet(s.svc.ErasurePreview)))
	mux.Handle("POST /api/v1/privacy/requests/{id}/erase", s.apiUser(apiGet(s.svc.EraseForRequest)))
	mux.Handle("GET /api/v1/privacy/requests/{id}/report", s.apiUser(s.apiPrivacyReport))
	mux.Handle("GET /api/v1/privacy/lookup", s.apiUser(s.apiPrivacyLookup))
}

type extendInput struct {
	Reason string `json:"reason"`
}

// verifyInput is the code the requester received, or how their identity
// was checked otherwise.
type verifyInput struct {
	Code string `json:"code"`
	Note string `json:"note"`
}

func (s *Server) apiVerify(ctx context.Context, id int64, in verifyInput) (privacy.Request, error) {
	if in.Code == "" && in.Note != "" {
		return s.svc.VerifyRequestOtherwise(ctx, id, in.Note)
	}
	return s.svc.VerifyRequestCode(ctx, id, in.Code)
}

// apiApplyRequest does what an objection or a restriction asks.
func (s *Server) apiApplyRequest(ctx context.Context, id int64) (privacy.Request, error) {
	r, err := s.svc.PrivacyRequest(ctx, id)
	if err != nil {
		return r, err
	}
	if r.Kind == privacy.RestrictionRequest {
		return s.svc.RestrictForRequest(ctx, id)
	}
	return s.svc.ObjectForRequest(ctx, id)
}

func (s *Server) apiPrivacyRequestList(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := listParams(r)
	if err != nil {
		return err
	}
	items, err := s.svc.PrivacyRequests(r.Context(), privacy.RequestFilter{Open: r.URL.Query().Get("open") == "true",
		BeforeID: cursor, Limit: limit + 1})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(items, limit, func(p privacy.Request) string { return encodeCursor(p.ID) }))
	return nil
}

func (s *Server) apiPrivacyExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.writeExport(w, r, id)
}

// writeExport streams a request's ZIP; the service writes its first byte
// only once every check passed.
func (s *Server) writeExport(w http.ResponseWriter, r *http.Request, id int64) error {
	req, err := s.svc.PrivacyRequest(r.Context(), id)
	if err != nil {
		return err
	}
	return s.svc.ExportForRequest(r.Context(), id, &lazyHeaders{w: w, set: func(h http.Header) {
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", `attachment; filename="`+service.ExportName(req)+`"`)
	}})
}

// lazyHeaders sets a download's headers with its first byte, so that a
// refusal before it is rendered as the error it is, not saved as the file.
type lazyHeaders struct {
	w    http.ResponseWriter
	set  func(http.Header)
	done bool
}

func (l *lazyHeaders) Write(p []byte) (int, error) {
	if !l.done {
		l.done = true
		l.set(l.w.Header())
	}
	return l.w.Write(p)
}

func (s *Server) apiPrivacyReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("format") == "pdf" {
		return s.writeReportPDF(w, r, id)
	}
	rep, err := s.svc.ErasureReport(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) writeReportPDF(w http.ResponseWriter, r *http.Request, id int64) error {
	b, err := s.svc.ErasureReportPDF(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="erasure-report-`+r.PathValue("id")+`.pdf"`)
	_, err = w.Write(b)
	return err
}

func (s *Server) apiPrivacyLookup(w http.ResponseWriter, r *http.Request) error {
	l, err := s.svc.LookupPerson(r.Context(), r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}
