package web

import "net/http"

// module is a tile on the home page. Modules still to come have no link.
type module struct {
	Title, Description, Href string
}

type homePage struct {
	Page
	Modules []module
	// Sales is the sales summary, for those who see sales.
	Sales *salesFigures
}

var modules = []module{
	{"nav.contacts", "home.contacts", "/contacts"},
	{"nav.products", "home.products", "/products"},
	{"nav.sales", "home.sales", "/sales"},
	{"nav.purchases", "home.purchases", "/purchases"},
	{"nav.pos", "home.pos", ""},
	{"nav.privacy", "home.privacy", "/privacy"},
	{"nav.activity", "home.activity", "/activity"},
	{"nav.settings", "home.settings", "/settings/account"},
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := &homePage{Page: s.basePage(r), Modules: modules}
	if p.Can("sales", "view") {
		f, err := s.salesFigures(r, p.lang)
		if err != nil {
			return err
		}
		p.Sales = f
	}
	return s.render(w, r, "home", p)
}
