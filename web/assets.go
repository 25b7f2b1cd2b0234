package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// assets serves the embedded static files under content-hashed names
// (app.3f2a9c1b.css), so browsers may cache them forever and a new release
// is never mixed with an old cached file.
type assets struct {
	byName   map[string]string // "app.css" → "/static/app.3f2a9c1b.css"
	byHashed map[string]asset  // "app.3f2a9c1b.css" → content
}

type asset struct {
	body []byte
	typ  string
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byHashed: map[string]asset{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		typ := mime.TypeByExtension(ext)
		if typ == "" {
			typ = "application/octet-stream"
		}
		a.byName[name] = "/static/" + hashed
		a.byHashed[hashed] = asset{body: body, typ: typ}
		return nil
	})
	return a, err
}

// URL returns the hashed URL of a static file; it panics on an unknown name
// so that a typo in a template fails the template tests.
func (a *assets) URL(name string) string {
	u, ok := a.byName[name]
	if !ok {
		panic("unknown asset " + name)
	}
	return u
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byHashed[strings.TrimPrefix(r.URL.Path, "/static/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.typ)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(f.body)
}
