package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
)

func (s *Server) apiActivityList(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := listParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := activity.Filter{BeforeID: cursor, Limit: limit + 1, Module: q.Get("module"), RecordType: q.Get("record_type")}
	var fe errs.Fields
	num := func(k string, dst *int64) {
		if v := q.Get(k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				fe.Add(k, "invalid_id", k+" must be a positive whole number")
			}
			*dst = n
		}
	}
	at := func(k string, dst *time.Time) {
		if v := q.Get(k); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				fe.Add(k, "invalid_time", k+" must be an RFC 3339 time")
			}
			*dst = t
		}
	}
	num("user_id", &f.UserID)
	num("record_id", &f.RecordID)
	at("from", &f.From)
	at("to", &f.To)
	if err := fe.Err("web.apiActivityList"); err != nil {
		return err
	}
	items, err := s.svc.Activity(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(items, limit, func(e activity.Entry) string { return encodeCursor(e.ID) }))
	return nil
}
