package web

import (
	"net/http"

	"github.com/comptoir/comptoir/activity"
)

func (s *Server) apiActivityList(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := listParams(r)
	if err != nil {
		return err
	}
	items, err := s.svc.Activity(r.Context(), cursor, limit+1)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(items, limit, func(e activity.Entry) int64 { return e.ID }))
	return nil
}
