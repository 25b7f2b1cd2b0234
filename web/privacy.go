package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
)

func init() {
	pageNames = append(pageNames, "privacy", "privacy_register", "privacy_register_controller", "privacy_register_sheet",
		"privacy_register_history", "operator_register")
}

// routesForPrivacy: the Privacy hub, the register of processing activities
// (pages and API) and the operator's register as a processor.
func (s *Server) routesForPrivacy(mux *patternMux) {
	mux.Handle("GET /privacy", s.user(s.privacyHub))
	mux.Handle("GET /privacy/register", s.user(s.registerPage))
	mux.Handle("GET /privacy/register/controller", s.user(s.registerControllerForm))
	mux.Handle("POST /privacy/register/controller", s.user(s.registerControllerSave))
	mux.Handle("POST /privacy/register/sheets", s.user(s.registerSheetAdd))
	mux.Handle("GET /privacy/register/sheets/{key}", s.user(s.registerSheetForm))
	mux.Handle("POST /privacy/register/sheets/{key}", s.user(s.registerSheetSave))
	mux.Handle("POST /privacy/register/sheets/{key}/delete", s.user(s.registerSheetDelete))
	mux.Handle("GET /privacy/register/history", s.user(s.registerHistory))
	mux.Handle("GET /privacy/register/history/{id}", s.user(s.registerHistoryVersion))
	mux.Handle("GET /privacy/register/export", s.user(s.registerExport))
	mux.Handle("POST /privacy/register/import", s.user(s.registerImport))
	mux.Handle("GET /operator/register", s.operator(s.operatorRegister))
	mux.Handle("GET /operator/register/export", s.operator(s.operatorRegisterExport))

	mux.Handle("GET /api/v1/privacy/register", s.apiUser(s.apiRegisterGet))
	mux.Handle("PUT /api/v1/privacy/register", s.apiUser(s.apiRegisterPut))
	mux.Handle("GET /api/v1/privacy/register/checks", s.apiUser(s.apiRegisterChecks))
	mux.Handle("GET /api/v1/privacy/register/export", s.apiUser(s.registerExport))
	mux.Handle("POST /api/v1/privacy/register/import", s.apiUser(s.apiRegisterImport))
	mux.Handle("GET /api/v1/privacy/register/versions", s.apiUser(s.apiRegisterVersions))
	mux.Handle("GET /api/v1/privacy/register/versions/{id}", s.apiUser(apiGet(s.svc.RegisterVersion)))
}

// privacySection is a card of the Privacy hub.
type privacySection struct{ Title, Description, Href string }

var privacySections = []privacySection{
	{"privacy.register", "privacy.register_help", "/privacy/register"},
	{"privacy.retention", "privacy.retention_help", "/privacy/retention"},
	{"privacy.requests", "privacy.requests_help", "/privacy/requests"},
	{"privacy.lookup", "privacy.lookup_help", "/privacy/lookup"},
	{"privacy.archive", "privacy.archive_help", "/privacy/archive"},
	{"privacy.breaches", "privacy.breaches_help", "/privacy/breaches"},
	{"privacy.account", "privacy.account_help", "/privacy/account"},
}

type privacyHubPage struct {
	Page
	Sections []privacySection
}

func (s *Server) privacyHub(w http.ResponseWriter, r *http.Request) error {
	p := &privacyHubPage{Page: s.basePage(r), Sections: privacySections}
	if !p.Can("privacy", "view") {
		return errs.E("web.privacyHub", errs.Forbidden, "your role does not give access to personal-data management")
	}
	return s.render(w, r, "privacy", p)
}

// findingView is a finding as the register page shows it: in words, with
// a link to the field to fix.
type findingView struct {
	Code, Message, Href string
}

type registerPage struct {
	Page
	View        service.RegisterView
	Register    privacy.Register
	Findings    []findingView
	PastVersion *privacy.Version // a past version shown (history), nil for the current register
	Problem     string           // the import's error, in words
	Formats     []string
	History     []activity.Entry // what the version shown changed, from the activity log
}

// SheetDate writes a sheet's ISO date in the page's language.
func (p registerPage) SheetDate(d string) string { return privacy.FormatDate(d, p.lang) }

// Period writes a retention period in words.
func (p registerPage) Period(x *privacy.Period) string {
	if x == nil {
		return ""
	}
	return privacy.FormatPeriod(*x, p.lang)
}

// numberedSheet is a sheet with its number in the register.
type numberedSheet struct {
	N int
	privacy.Sheet
}

// Numbered lists the register's sheets with their numbers, from 1.
func (p registerPage) Numbered() []numberedSheet {
	out := make([]numberedSheet, len(p.Register.Activities))
	for i, s := range p.Register.Activities {
		out[i] = numberedSheet{N: i + 1, Sheet: s}
	}
	return out
}

var fieldAnchor = regexp.MustCompile(`^activities\[\d+\]\.([a-z_]+)`)

func findingViews(p Page, reg privacy.Register, fs []privacy.Finding) []findingView {
	var out []findingView
	for _, f := range fs {
		name := f.Sheet
		if sh, ok := reg.Sheet(f.Sheet); ok {
			name = sh.Name
		}
		v := findingView{Code: f.Code, Message: p.T("register.finding."+f.Code, map[string]any{"Sheet": name})}
		switch {
		case f.Code == privacy.FindModuleWithoutSheet:
			v.Href = "#add-sheet"
		case f.Sheet != "":
			v.Href = "/privacy/register/sheets/" + f.Sheet
			if m := fieldAnchor.FindStringSubmatch(f.Field); m != nil {
				v.Href += "#f-" + m[1]
			}
		case strings.HasPrefix(f.Field, "controller"):
			v.Href = "/privacy/register/controller#f-controller_organisation"
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.PrivacyRegister(r.Context())
	if err != nil {
		return err
	}
	p := &registerPage{Page: s.basePage(r), View: v, Register: v.Register, Formats: service.ExportFormats}
	p.Findings = findingViews(p.Page, v.Register, v.Findings)
	return s.render(w, r, "privacy_register", p)
}

// registerSave saves an edited register and goes back to the register.
func (s *Server) registerSave(w http.ResponseWriter, r *http.Request, reg privacy.Register, note, back string) error {
	if err := s.saveEdit(r, reg, note); err != nil {
		return err
	}
	return redirectAfterPost(w, r, back)
}

// saveEdit saves reg edited in a form, refused as a conflict when the form
// was made from a version (based_on) that is no longer the latest.
func (s *Server) saveEdit(r *http.Request, reg privacy.Register, note string) error {
	v := r.PostFormValue("based_on")
	if v == "" {
		_, err := s.svc.SaveRegister(r.Context(), reg, note)
		return err
	}
	return s.saveOver(r, reg, note, v)
}

func (s *Server) saveOver(r *http.Request, reg privacy.Register, note, basedOn string) error {
	id, err := strconv.ParseInt(strings.Trim(basedOn, `" `), 10, 64)
	if err != nil || id < 0 {
		var f errs.Fields
		f.Add("based_on", "invalid", "the version an edit starts from is a whole number")
		return f.Err("web.saveOver")
	}
	_, err = s.svc.SaveRegisterOver(r.Context(), reg, note, id)
	return err
}

// versionID is the id of the version a register view comes from, 0 when
// it was never saved.
func versionID(v service.RegisterView) int64 {
	if v.Version == nil {
		return 0
	}
	return v.Version.ID
}

type registerControllerPage struct {
	Page
	BasedOn  int64 // the version the form shows
	Register privacy.Register
	Sections string
	Errors   formErrors
}

func (s *Server) registerControllerForm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.PrivacyRegister(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, "privacy_register_controller", &registerControllerPage{Page: s.basePage(r), Register: v.Register, BasedOn: versionID(v),
		Sections: sectionsText(v.Register.Sections)})
}

func contactFromForm(r *http.Request, prefix string) privacy.Contact {
	v := func(k string) string { return r.PostFormValue(prefix + "_" + k) }
	return privacy.Contact{Organisation: v("organisation"), LastName: v("last_name"), FirstName: v("first_name"),
		Address: v("address"), Email: v("email"), Phone: v("phone")}
}

func (s *Server) registerControllerSave(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.PrivacyRegister(r.Context())
	if err != nil {
		return err
	}
	reg := v.Register
	reg.Title = r.PostFormValue("title")
	reg.Controller = contactFromForm(r, "controller")
	reg.DPO = contactFromForm(r, "dpo")
	reg.Preamble = lines(r.PostFormValue("preamble"))
	reg.Sections = parseSections(r.PostFormValue("sections"))
	return s.registerSave(w, r, reg, "controller", "/privacy/register?notice=saved")
}

// lines splits a textarea into its non-empty lines.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// sectionsText writes general sections for a textarea: "# Title" starts a
// section, "## Title" a subsection, every other line is a paragraph.
func sectionsText(ss []privacy.Section) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(strings.Repeat("#", max(s.Level, 1)) + " " + s.Title + "\n")
		for _, p := range s.Paragraphs {
			b.WriteString(p + "\n")
		}
	}
	return b.String()
}

func parseSections(text string) []privacy.Section {
	var out []privacy.Section
	for _, l := range lines(text) {
		switch {
		case strings.HasPrefix(l, "## "):
			out = append(out, privacy.Section{Title: strings.TrimSpace(l[3:]), Level: 2})
		case strings.HasPrefix(l, "# "):
			out = append(out, privacy.Section{Title: strings.TrimSpace(l[2:]), Level: 1})
		default:
			if len(out) == 0 {
				out = append(out, privacy.Section{Level: 1})
			}
			out[len(out)-1].Paragraphs = append(out[len(out)-1].Paragraphs, l)
		}
	}
	return out
}

type registerSheetPage struct {
	Page
	BasedOn  int64 // the version the form shows
	Sheet    privacy.Sheet
	Index    int
	Policies []string
	Data     string
	Errors   formErrors
	// Bad holds the period cells that were not whole numbers, as typed
	// ("years-0"), so the form shows them back to be corrected.
	Bad map[string]string
}

// IsBad reports whether a period cell was refused.
func (p *registerSheetPage) IsBad(unit string, row int) bool {
	_, ok := p.Bad[unit+"-"+strconv.Itoa(row)]
	return ok
}

// BadValue is what was typed in a refused period cell.
func (p *registerSheetPage) BadValue(unit string, row int) string {
	return p.Bad[unit+"-"+strconv.Itoa(row)]
}

func (s *Server) registerSheetForm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.PrivacyRegister(r.Context())
	if err != nil {
		return err
	}
	sh, ok := v.Register.Sheet(r.PathValue("key"))
	if !ok {
		return errs.E("web.registerSheetForm", errs.NotFound, "no such activity")
	}
	p := &registerSheetPage{Page: s.basePage(r), Sheet: *sh, BasedOn: versionID(v)}
	for _, pol := range privacy.DefaultPolicies {
		p.Policies = append(p.Policies, pol.Key)
	}
	var data []string
	for _, d := range sh.Data {
		data = append(data, d.Category+" : "+d.Detail)
	}
	p.Data = strings.Join(data, "\n")
	// Blank rows to add a retention period and a transfer.
	p.Sheet.Retention = append(p.Sheet.Retention, privacy.Retention{})
	p.Sheet.Transfers = append(p.Sheet.Transfers, privacy.Transfer{})
	return s.render(w, r, "privacy_register_sheet", p)
}

// sheetFromForm reads an activity sheet's form into sh, and returns the
// period cells that are not whole numbers, as typed.
func sheetFromForm(r *http.Request, sh *privacy.Sheet) (map[string]string, error) {
	f := r.PostFormValue
	sh.Name, sh.Designation, sh.Created, sh.Updated = f("name"), f("designation"), f("created"), f("updated")
	sh.JointController, sh.Software, sh.LegalBasis = f("joint_controller"), f("software"), f("legal_basis")
	sh.Description, sh.Purposes, sh.Subjects = lines(f("description")), lines(f("purposes")), lines(f("subjects"))
	sh.DataIntro, sh.Sensitive, sh.SensitiveDetail = f("data_intro"), f("sensitive") != "", f("sensitive_detail")
	sh.Data = nil
	for _, l := range lines(f("data")) {
		c, d, _ := strings.Cut(l, ":")
		sh.Data = append(sh.Data, privacy.DataItem{Category: strings.TrimSpace(c), Detail: strings.TrimSpace(d)})
	}
	sh.Recipients = privacy.Recipients{Internal: lines(f("internal")), External: lines(f("external")), Processors: lines(f("processors"))}
	sh.TransfersText, sh.Security, sh.Notes = f("transfers_text"), lines(f("security")), lines(f("notes"))
	var fe errs.Fields
	bad := map[string]string{}
	sh.Retention = nil
	cats, texts, pols := r.PostForm["retention_category"], r.PostForm["retention_text"], r.PostForm["retention_policy"]
	years, months, days := r.PostForm["retention_years"], r.PostForm["retention_months"], r.PostForm["retention_days"]
	for i := range cats {
		x := privacy.Retention{Category: cats[i], Text: at(texts, i), Policy: at(pols, i)}
		var p privacy.Period
		for _, n := range []struct {
			v    string
			dst  *int
			name string
		}{{at(years, i), &p.Years, "years"}, {at(months, i), &p.Months, "months"}, {at(days, i), &p.Days, "days"}} {
			if strings.TrimSpace(n.v) == "" {
				continue
			}
			v, err := strconv.Atoi(strings.TrimSpace(n.v))
			if err != nil || v < 0 || v > 100*365 {
				fe.Add("retention", "invalid_number", fmt.Sprintf("row %d: a whole number of %s", i+1, n.name))
				bad[n.name+"-"+strconv.Itoa(i)] = n.v
				continue
			}
			*n.dst = v
		}
		if !p.Zero() {
			x.Period = &p
		}
		sh.Retention = append(sh.Retention, x)
	}
	sh.Transfers = nil
	rec, countries, safe := r.PostForm["transfer_recipient"], r.PostForm["transfer_country"], r.PostForm["transfer_safeguard"]
	for i := range rec {
		sh.Transfers = append(sh.Transfers, privacy.Transfer{Recipient: rec[i], Country: at(countries, i), Safeguard: at(safe, i)})
	}
	return bad, fe.Err("web.sheetFromForm")
}

func at(ss []string, i int) string {
	if i < len(ss) {
		return ss[i]
	}
	return ""
}

func (s *Server) registerSheetSave(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.PrivacyRegister(r.Context())
	if err != nil {
		return err
	}
	reg := v.Register
	sh, ok := reg.Sheet(r.PathValue("key"))
	if !ok {
		return errs.E("web.registerSheetSave", errs.NotFound, "no such activity")
	}
	bad, err := sheetFromForm(r, sh)
	if err == nil {
		err = s.saveEdit(r, reg, "activity "+sh.Key)
	}
	if errs.Is(err, errs.Invalid) {
		// Field errors of the register name the sheet's fields by their
		// JSON path; the form's inputs are named after their last part.
		fe := formErrors{}
		for _, f := range errs.FieldsOf(err) {
			name := f.Field
			if m := fieldAnchor.FindStringSubmatch(name); m != nil {
				name = m[1]
			}
			fe[name] = "error." + f.Code
		}
		p := &registerSheetPage{Page: s.basePage(r), Sheet: *sh, Data: r.PostFormValue("data"), Errors: fe, BasedOn: versionID(v), Bad: bad}
		for _, pol := range privacy.DefaultPolicies {
			p.Policies = append(p.Policies, pol.Key)
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "privacy_register_sheet", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/privacy/register?notice=saved#sheet-"+sh.Key)
}

var keyCleaner = regexp.MustCompile(`[^a-z0-9]+`)

func (s *Server) registerSheetAdd(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.PrivacyRegister(r.Context())
	if err != nil {
		return err
	}
	reg := v.Register
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" {
		var f errs.Fields
		f.Add("name", "required", "an activity needs a name")
		return f.Err("web.registerSheetAdd")
	}
	key := strings.Trim(keyCleaner.ReplaceAllString(strings.ToLower(unaccent(name)), "-"), "-")
	if len(key) > 30 {
		key = key[:30]
	}
	if key == "" {
		key = "activity"
	}
	for n, k := 2, key; ; n++ {
		if _, taken := reg.Sheet(k); !taken {
			key = k
			break
		}
		k = key + "-" + strconv.Itoa(n)
	}
	reg.Activities = append(reg.Activities, privacy.Sheet{Key: key, Name: name})
	if err := s.saveEdit(r, reg, "add "+key); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/privacy/register/sheets/"+key+"?notice=created")
}

var accents = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "ç", "c", "î", "i", "ï", "i", "ô", "o", "ù", "u", "û", "u", "ü", "u", "œ", "oe")

func unaccent(s string) string { return accents.Replace(s) }

func (s *Server) registerSheetDelete(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.PrivacyRegister(r.Context())
	if err != nil {
		return err
	}
	reg := v.Register
	key := r.PathValue("key")
	if _, ok := reg.Sheet(key); !ok {
		return errs.E("web.registerSheetDelete", errs.NotFound, "no such activity")
	}
	var keep []privacy.Sheet
	for _, sh := range reg.Activities {
		if sh.Key != key {
			keep = append(keep, sh)
		}
	}
	reg.Activities = keep
	return s.registerSave(w, r, reg, "remove "+key, "/privacy/register?notice=deleted")
}

type registerHistoryPage struct {
	Page
	Versions []privacy.Version
	Formats  []string
}

// NoteLabel says in the page's language what a version's note records:
// "controller", "activity KEY", "add KEY", "remove KEY", "api", "import".
func (p *registerHistoryPage) NoteLabel(note string) string {
	what, key, _ := strings.Cut(note, " ")
	id := "register.note." + what
	if v := p.T(id, map[string]any{"Key": key}); v != id {
		return v
	}
	return note
}

func (s *Server) registerHistory(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.RegisterVersions(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, "privacy_register_history", &registerHistoryPage{Page: s.basePage(r), Versions: list, Formats: service.ExportFormats})
}

func (s *Server) registerHistoryVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.RegisterVersion(r.Context(), id)
	if err != nil {
		return err
	}
	p := &registerPage{Page: s.basePage(r), Register: *v.Register, PastVersion: &v, Formats: service.ExportFormats}
	if p.Can("activity", "view") {
		if p.History, err = s.svc.RecordHistory(r.Context(), access.Privacy, "register", id); err != nil {
			return err
		}
	}
	return s.render(w, r, "privacy_register", p)
}

// registerExport sends the register (or a version, ?version=) as a file.
func (s *Server) registerExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "pdf"
	}
	var version int64
	if q := r.URL.Query().Get("version"); q != "" {
		var err error
		if version, err = strconv.ParseInt(q, 10, 64); err != nil || version <= 0 {
			return errs.E("web.registerExport", errs.NotFound, "no such version")
		}
	}
	out, err := s.svc.ExportRegister(r.Context(), format, version)
	if err != nil {
		return err
	}
	writeFile(w, out)
	return nil
}

func writeFile(w http.ResponseWriter, out service.Export) {
	w.Header().Set("Content-Type", out.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+out.Filename+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(out.Data)))
	_, _ = w.Write(out.Data)
}

func (s *Server) registerImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, privacy.MaxImport+1<<20)
	f, _, err := r.FormFile("file")
	var tooLarge *http.MaxBytesError
	problem := ""
	switch {
	case errors.As(err, &tooLarge):
		problem = "import.too_large"
	case err != nil:
		problem = "register.import_no_file"
	default:
		defer f.Close()
		if _, err := s.svc.ImportRegister(r.Context(), f); err != nil {
			if !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.TooLarge) {
				return err
			}
			p := &registerPage{Page: s.basePage(r), Formats: service.ExportFormats}
			var msgs []string
			for _, fe := range errs.FieldsOf(err) {
				msg := p.T("error." + fe.Code)
				if msg == "error."+fe.Code {
					msg = fe.Message
				}
				if fe.Field != "body" && fe.Field != "" {
					msg = fe.Field + " : " + msg
				}
				msgs = append(msgs, msg)
			}
			if len(msgs) == 0 {
				msgs = append(msgs, errs.MessageOf(err))
			}
			p.Problem = strings.Join(msgs, " ; ")
			return s.registerPageWith(w, r, p)
		}
		return redirectAfterPost(w, r, "/privacy/register?notice=imported")
	}
	p := &registerPage{Page: s.basePage(r), Formats: service.ExportFormats}
	p.Problem = p.T(problem)
	return s.registerPageWith(w, r, p)
}

// registerPageWith renders the register page with p's problem, answering
// 422.
func (s *Server) registerPageWith(w http.ResponseWriter, r *http.Request, p *registerPage) error {
	v, err := s.svc.PrivacyRegister(r.Context())
	if err != nil {
		return err
	}
	p.View, p.Register = v, v.Register
	p.Findings = findingViews(p.Page, v.Register, v.Findings)
	s.renderPage(w, r, http.StatusUnprocessableEntity, "privacy_register", p)
	return nil
}

type operatorRegisterPage struct {
	Page
	Operator identity.Operator
	Register privacy.ProcessorRegister
	Formats  []string
}

func (s *Server) operatorRegister(w http.ResponseWriter, r *http.Request) error {
	o := r.Context().Value(operatorKey{}).(identity.Operator)
	p := &operatorRegisterPage{Page: s.basePage(r), Operator: o, Formats: service.ExportFormats}
	reg, err := s.svc.ProcessorRegister(r.Context(), &o, p.lang)
	if err != nil {
		return err
	}
	p.Register = reg
	return s.render(w, r, "operator_register", p)
}

func (s *Server) operatorRegisterExport(w http.ResponseWriter, r *http.Request) error {
	o := r.Context().Value(operatorKey{}).(identity.Operator)
	out, err := s.svc.ExportProcessorRegister(r.Context(), &o, r.URL.Query().Get("format"), s.basePage(r).lang)
	if err != nil {
		return err
	}
	writeFile(w, out)
	return nil
}

// The JSON API.

func (s *Server) apiRegisterGet(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.PrivacyRegister(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) apiRegisterPut(w http.ResponseWriter, r *http.Request) error {
	// Rights first: a member who may not edit learns nothing from a body's errors.
	if err := access.Require(r.Context(), access.Privacy, access.Edit); err != nil {
		return err
	}
	reg, err := privacy.ImportRegister(http.MaxBytesReader(w, r.Body, privacy.MaxImport+1))
	if err != nil {
		return err
	}
	if m := r.Header.Get("If-Match"); m != "" {
		err = s.saveOver(r, reg, "api", m)
	} else {
		_, err = s.svc.SaveRegister(r.Context(), reg, "api")
	}
	if err != nil {
		return err
	}
	return s.apiRegisterGet(w, r)
}

func (s *Server) apiRegisterChecks(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.svc.RegisterChecks(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": fs})
	return nil
}

func (s *Server) apiRegisterImport(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.ImportRegister(r.Context(), http.MaxBytesReader(w, r.Body, privacy.MaxImport+1))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) apiRegisterVersions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.RegisterVersions(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []privacy.Version{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": list})
	return nil
}
