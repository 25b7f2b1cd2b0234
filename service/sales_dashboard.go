package service

import (
	"context"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/storage"
)

// SalesDashboard returns the sales figures: revenue for each of the last
// twelve months (months without any are there at zero), quotes pending,
// orders to deliver, unpaid and overdue amounts, and the top five clients
// of those twelve months.
func (s *Service) SalesDashboard(ctx context.Context) (storage.SalesFigures, error) {
	if err := access.Require(ctx, access.Sales, access.View); err != nil {
		return storage.SalesFigures{}, err
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return storage.SalesFigures{}, err
	}
	today, now := s.today(ctx, acc)
	first := time.Date(now.Year(), now.Month()-11, 1, 0, 0, 0, 0, time.UTC)
	f, err := s.db.SalesFigures(ctx, first.Format(time.DateOnly), today, 5)
	if err != nil {
		return f, err
	}
	byMonth := map[string]storage.MonthRevenue{}
	for _, m := range f.Revenue {
		byMonth[m.Month] = m
	}
	f.Revenue = f.Revenue[:0]
	for i := range 12 {
		month := first.AddDate(0, i, 0).Format("2006-01")
		f.Revenue = append(f.Revenue, storage.MonthRevenue{Month: month, Net: byMonth[month].Net})
	}
	return f, nil
}
