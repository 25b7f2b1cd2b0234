package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/comptoir/comptoir/errs"
)

// statusOf is the one mapping from error kinds to HTTP statuses, shared by
// the HTML pages and the JSON API.
var statusOf = map[errs.Kind]int{
	errs.Internal:        http.StatusInternalServerError,
	errs.Invalid:         http.StatusUnprocessableEntity,
	errs.NotFound:        http.StatusNotFound,
	errs.Forbidden:       http.StatusForbidden,
	errs.Unauthorized:    http.StatusUnauthorized,
	errs.Conflict:        http.StatusConflict,
	errs.TooLarge:        http.StatusRequestEntityTooLarge,
	errs.TooManyRequests: http.StatusTooManyRequests,
	errs.Unavailable:     http.StatusServiceUnavailable,
}

var errNoRoute = errs.E("web.route", errs.NotFound, "no such page")

// apiError is the JSON body of every API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    []errs.FieldError `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// renderError is the one function that turns an error into a response:
// JSON for the API, an HTML page otherwise. Internal errors are logged with
// their detail and shown only as "internal error" with the request id.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	kind := errs.KindOf(err)
	status := statusOf[kind]
	msg := errs.MessageOf(err)
	if kind == errs.Internal {
		if errors.Is(err, errClientGone) {
			return
		}
		s.log.ErrorContext(r.Context(), "internal error", "err", err, "method", r.Method, "path", r.URL.Path)
		msg = "internal error"
	}
	if msg == "" {
		msg = strings.ReplaceAll(kind.String(), "_", " ")
	}
	if isAPI(r) {
		writeJSON(w, status, apiError{Error: apiErrorBody{
			Code: kind.String(), Message: msg, Fields: errs.FieldsOf(err), RequestID: requestID(r.Context()),
		}})
		return
	}
	if kind == errs.Unauthorized {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.renderPage(w, r, status, "error", &errorPage{Page: s.basePage(r), Status: status, Kind: kind.String(), RequestID: requestID(r.Context())})
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// errClientGone marks a request abandoned by its client; nothing to render.
var errClientGone = errors.New("client went away")
