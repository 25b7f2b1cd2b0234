package web

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes the JSON API. It is written by hand (spec
// first); TestOpenAPIMatchesRoutes keeps it in step with routes.go.
//
//go:embed openapi.json
var openAPIDocument []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(openAPIDocument)
}
