package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/money"
)

// MonthRevenue is the revenue (net of VAT) invoiced in one month.
type MonthRevenue struct {
	Month string       `json:"month"` // YYYY-MM
	Net   money.Amount `json:"net"`
}

// ClientRevenue is one client's revenue over a period.
type ClientRevenue struct {
	ContactID int64        `json:"contact_id"`
	Name      string       `json:"name"`
	Net       money.Amount `json:"net"`
}

// SalesFigures are the numbers of the sales dashboard.
type SalesFigures struct {
	QuotesPending    int             `json:"quotes_pending"`
	QuotesPendingNet money.Amount    `json:"quotes_pending_net"`
	OrdersToDeliver  int             `json:"orders_to_deliver"`
	Unpaid           money.Amount    `json:"unpaid"`
	UnpaidCount      int             `json:"unpaid_count"`
	Overdue          money.Amount    `json:"overdue"`
	OverdueCount     int             `json:"overdue_count"`
	Revenue          []MonthRevenue  `json:"revenue"`
	TopClients       []ClientRevenue `json:"top_clients"`
}

// SalesFigures adds up the current account's documents: revenue per month
// since from (YYYY-MM-DD; invoices less credit notes, by issue date), quotes
// waiting for an answer, orders not fully delivered, what is unpaid and
// what is overdue on today, and the clients with the most revenue.
func (db *DB) SalesFigures(ctx context.Context, from, today string, top int) (SalesFigures, error) {
	const op = "storage.SalesFigures"
	var f SalesFigures
	acc, err := scope(ctx)
	if err != nil {
		return f, err
	}
	r := db.reader(ctx)
	err = r.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN kind = 'quote' AND status = 'issued' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'quote' AND status = 'issued' THEN net_total ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'order' AND status IN ('issued', 'partially_delivered') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind IN ('invoice', 'deposit') AND status IN ('issued', 'partially_paid') THEN gross_total - credited - paid ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind IN ('invoice', 'deposit') AND status IN ('issued', 'partially_paid') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind IN ('invoice', 'deposit') AND status IN ('issued', 'partially_paid') AND due_date < $2 AND gross_total - credited - paid > 0 THEN gross_total - credited - paid ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind IN ('invoice', 'deposit') AND status IN ('issued', 'partially_paid') AND due_date < $2 AND gross_total - credited - paid > 0 THEN 1 ELSE 0 END), 0)
		FROM documents WHERE account_id = $1 AND status NOT IN ('draft', 'cancelled', 'paid', 'refused', 'expired', 'delivered', 'accepted')`,
		acc, today).Scan(&f.QuotesPending, &f.QuotesPendingNet, &f.OrdersToDeliver, &f.Unpaid, &f.UnpaidCount, &f.Overdue, &f.OverdueCount)
	if err != nil {
		return f, dbErr(op, err)
	}
	rows, err := r.QueryContext(ctx, `SELECT SUBSTR(issue_date, 1, 7) AS month,
		SUM(CASE WHEN kind = 'credit' THEN -net_total ELSE net_total END)
		FROM documents WHERE account_id = $1 AND kind IN ('invoice', 'deposit', 'credit') AND status <> 'draft' AND issue_date >= $2
		GROUP BY SUBSTR(issue_date, 1, 7) ORDER BY month`, acc, from)
	if err != nil {
		return f, dbErr(op, err)
	}
	if f.Revenue, err = collect(rows, func(r *sql.Rows) (MonthRevenue, error) {
		var m MonthRevenue
		return m, r.Scan(&m.Month, &m.Net)
	}); err != nil {
		return f, err
	}
	rows, err = r.QueryContext(ctx, `SELECT d.contact_id,
		MAX(CASE WHEN c.kind = 'company' THEN c.company_name ELSE TRIM(c.first_name || ' ' || c.last_name) END),
		SUM(CASE WHEN d.kind = 'credit' THEN -d.net_total ELSE d.net_total END) AS net
		FROM documents d JOIN contacts c ON c.account_id = d.account_id AND c.id = d.contact_id
		WHERE d.account_id = $1 AND d.kind IN ('invoice', 'deposit', 'credit') AND d.status <> 'draft' AND d.issue_date >= $2
		GROUP BY d.contact_id ORDER BY net DESC, d.contact_id LIMIT $3`, acc, from, top)
	if err != nil {
		return f, dbErr(op, err)
	}
	f.TopClients, err = collect(rows, func(r *sql.Rows) (ClientRevenue, error) {
		var c ClientRevenue
		return c, r.Scan(&c.ContactID, &c.Name, &c.Net)
	})
	return f, err
}
