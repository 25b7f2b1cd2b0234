package web

import "net/http"

// routes lists every route of Comptoir in one place. Handlers that need a
// logged-in user are wrapped by s.user (HTML) or s.apiUser (JSON API), which
// put the account and the actor in the request context.
func (s *Server) routes() *http.ServeMux {
	mux := &patternMux{ServeMux: http.NewServeMux()}
	defer func() { s.patterns = mux.patterns }()

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.HandleFunc("GET /robots.txt", robots)
	mux.Handle("GET /static/", s.assets)

	// Web UI.
	mux.Handle("GET /{$}", s.user(s.home))
	mux.Handle("GET /login", s.page(s.loginForm))
	mux.Handle("POST /login", s.page(s.login))
	mux.Handle("POST /logout", s.page(s.logout))
	mux.Handle("POST /lang", s.page(s.setLanguage))
	mux.Handle("GET /signup", s.page(s.signupForm))
	mux.Handle("POST /signup", s.page(s.signup))
	mux.Handle("GET /verify-email", s.user(s.verifyEmailForm))
	mux.Handle("POST /verify-email", s.user(s.verifyEmail))
	mux.Handle("POST /verify-email/resend", s.user(s.verifyEmailResend))
	mux.Handle("GET /password/forgot", s.page(s.passwordForgotForm))
	mux.Handle("POST /password/forgot", s.page(s.passwordForgot))
	mux.Handle("GET /password/reset", s.page(s.passwordResetForm))
	mux.Handle("POST /password/reset", s.page(s.passwordReset))
	mux.Handle("GET /settings/account", s.user(s.accountForm))
	mux.Handle("POST /settings/account", s.user(s.accountSave))
	mux.Handle("POST /settings/account/logo", s.user(s.logoUpload))
	mux.Handle("GET /account/logo", s.user(s.logo))
	mux.Handle("GET /settings/bank-accounts", s.user(s.bankAccountList))
	mux.Handle("POST /settings/bank-accounts", s.user(s.bankAccountCreate))
	mux.Handle("GET /settings/bank-accounts/{id}", s.user(s.bankAccountForm))
	mux.Handle("POST /settings/bank-accounts/{id}", s.user(s.bankAccountSave))
	mux.Handle("POST /settings/bank-accounts/{id}/delete", s.user(s.bankAccountDelete))
	mux.Handle("GET /activity", s.user(s.activityPage))
	mux.Handle("GET /activity/export.csv", s.user(s.activityExport))
	s.routesForUsers(mux)
	s.routesForMe(mux)
	s.routesForOperators(mux)
	s.routesForContacts(mux)
	s.routesForContactViews(mux)
	s.routesForAddresses(mux)
	s.routesForConversations(mux)
	s.routesForSupport(mux)
	s.routesForProducts(mux)
	s.routesForSales(mux)
	s.routesForSalesExtras(mux)
	s.routesForPurchases(mux)
	s.routesForPrivacy(mux) // the Privacy hub, the register of processing activities (pages and API)
	s.routesForAccountClosure(mux)
	s.routesForBreaches(mux)
	s.routesForRetention(mux)
	s.routesForPrivacyRequests(mux)

	// JSON API, described by /api/v1/openapi.json.
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	mux.Handle("POST /api/v1/signup", s.api(s.apiSignup))
	mux.Handle("POST /api/v1/email-verification", s.apiUser(s.apiVerifyEmail))
	mux.Handle("POST /api/v1/email-verification/resend", s.apiUser(s.apiVerifyEmailResend))
	mux.Handle("GET /api/v1/account", s.apiUser(s.apiAccountGet))
	mux.Handle("PATCH /api/v1/account", s.apiUser(s.apiAccountPatch))
	mux.Handle("GET /api/v1/bank-accounts", s.apiUser(s.apiBankAccountList))
	mux.Handle("POST /api/v1/bank-accounts", s.apiUser(apiCreate(s.svc.CreateBankAccount)))
	mux.Handle("GET /api/v1/bank-accounts/{id}", s.apiUser(apiGet(s.svc.BankAccount)))
	mux.Handle("PATCH /api/v1/bank-accounts/{id}", s.apiUser(apiApply(http.StatusOK, s.svc.UpdateBankAccount)))
	mux.Handle("DELETE /api/v1/bank-accounts/{id}", s.apiUser(apiDelete(s.svc.DeleteBankAccount)))
	mux.Handle("GET /api/v1/activity", s.apiUser(s.apiActivityList))
	s.routesForDocuments(mux) // quotes, orders, deliveries, invoices, credit notes, sales settings
	s.routesForSalesAPI(mux)  // PDF, e-mail, payments, reminders, statements, dashboard
	mux.Handle("GET /api/v1/users", s.apiUser(s.apiUserList))
	mux.Handle("PATCH /api/v1/users/{id}", s.apiUser(s.apiUserPatch))
	mux.Handle("DELETE /api/v1/users/{id}", s.apiUser(apiDelete(s.svc.RemoveMember)))
	mux.Handle("POST /api/v1/invitations", s.apiUser(s.apiInvitationCreate))
	mux.Handle("/api/", s.api(func(w http.ResponseWriter, r *http.Request) error { return errNoRoute }))
	mux.Handle("/", s.page(func(w http.ResponseWriter, r *http.Request) error { return errNoRoute }))

	return mux.ServeMux
}

// patternMux remembers every pattern it registers, so that tests can walk
// the real route table (the OpenAPI check, the tenant isolation proof).
type patternMux struct {
	*http.ServeMux
	patterns []string
}

func (m *patternMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *patternMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}
