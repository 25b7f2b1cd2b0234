package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var localeFiles embed.FS

// languages Comptoir speaks, French first: it is the default.
var languages = []language.Tag{language.French, language.English}

var matcher = language.NewMatcher(languages)

// langCookie remembers a language chosen with the switcher.
const langCookie = "comptoir_lang"

func newBundle() (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.French)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, name := range []string{"locales/fr.json", "locales/en.json"} {
		if _, err := b.LoadMessageFileFS(localeFiles, name); err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
	}
	return b, nil
}

// negotiate picks the request's language: the remembered choice, else the
// browser's Accept-Language, else French.
func negotiate(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "fr" || c.Value == "en") {
		return c.Value
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "fr"
	}
	_, i, _ := matcher.Match(tags...)
	base, _ := languages[i].Base()
	return base.String()
}

// translator translates message ids in one language.
type translator struct {
	lang  string
	loc   *i18n.Localizer
	plain *sync.Map // id → translation, for messages without arguments
}

func (s *Server) translator(lang string) translator {
	cache := s.plainMessages["en"]
	if lang == "fr" {
		cache = s.plainMessages["fr"]
	}
	return translator{lang: lang, loc: i18n.NewLocalizer(s.bundle, lang), plain: cache}
}

// T translates id. An optional count selects the plural form and is
// available to the message as {{.Count}}; a map gives named values.
// Messages without arguments are cached: a page shows dozens of them.
func (t translator) T(id string, args ...any) string {
	if len(args) == 0 && t.plain != nil {
		if v, ok := t.plain.Load(id); ok {
			return v.(string)
		}
		v := t.localize(id)
		t.plain.Store(id, v)
		return v
	}
	return t.localize(id, args...)
}

// StatusLabel is a sales document's status in words, agreeing with its
// kind ("Facture émise", "Devis annulé"): sales.status.<kind>.<status>,
// else sales.status.<status>.
func (t translator) StatusLabel(kind, status string) string {
	if id := "sales.status." + kind + "." + status; kind != "" {
		if v := t.T(id); v != id {
			return v
		}
	}
	return t.T("sales.status." + status)
}

func (t translator) localize(id string, args ...any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	for _, a := range args {
		switch v := a.(type) {
		case int:
			cfg.PluralCount = v
			cfg.TemplateData = map[string]any{"Count": v}
		case map[string]any:
			cfg.TemplateData = v
		}
	}
	s, err := t.loc.Localize(cfg)
	if err != nil {
		// A missing message shows its id rather than breaking the page;
		// TestLocalesComplete keeps this from shipping.
		return id
	}
	return s
}
