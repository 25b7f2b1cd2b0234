package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/comptoir/comptoir/service"
)

// The backup metrics are read from the database at each scrape, not kept
// in this process: every instance sharing the database reports the same
// whichever of them ran the backup, and a restarted instance loses nothing.
// docs/backups.md ("Monitoring") describes them with alert rules.

// backupScrapeTimeout bounds the database reads of one scrape.
const backupScrapeTimeout = 5 * time.Second

// backupStatuses are the statuses of a finished run, each a series of
// comptoir_backup_last_run_status.
var backupStatuses = []string{service.BackupOK, service.BackupPartial, service.BackupFailed, service.BackupInterrupted}

var (
	backupConfiguredDesc = prometheus.NewDesc("comptoir_backup_configured",
		"1 when backups have destinations and recipients (COMPTOIR_BACKUP_DESTINATIONS, COMPTOIR_BACKUP_RECIPIENTS), else 0: alert when == 0.", nil, nil)
	backupLastSuccessDesc = prometheus.NewDesc("comptoir_backup_last_success_timestamp",
		"Unix time (seconds) at which the last backup whose status was ok started, 0 when none: alert when time() - this > 26*3600.", nil, nil)
	backupLastRunDesc = prometheus.NewDesc("comptoir_backup_last_run_timestamp",
		"Unix time (seconds) at which the last finished backup run started, whatever its status; 0 when none.", nil, nil)
	backupLastStatusDesc = prometheus.NewDesc("comptoir_backup_last_run_status",
		"1 for the status of the last finished backup run (ok, partial, failed, interrupted), 0 for the others: alert when {status!=\"ok\"} == 1.", []string{"status"}, nil)
	backupLastOKDesc = prometheus.NewDesc("comptoir_backup_last_run_ok",
		"1 when the last finished backup run reached every destination with every check passed, else 0: alert when == 0.", nil, nil)
	backupRunningDesc = prometheus.NewDesc("comptoir_backup_running",
		"1 while a backup run is in progress, else 0; stuck at 1 for hours means a process died mid-run.", nil, nil)
	backupDurationDesc = prometheus.NewDesc("comptoir_backup_last_duration_seconds",
		"How long the last successful backup took, snapshot to rotation: alert when it nears the night's window.", nil, nil)
	backupSizeDesc = prometheus.NewDesc("comptoir_backup_last_size_bytes",
		"Size of the last successful backup's encrypted archive: alert on a sudden drop (data missing) or growth (disk).", nil, nil)
	backupVerifyDesc = prometheus.NewDesc("comptoir_backup_last_verify_success_timestamp",
		"Unix time (seconds) at which the last successful verification (download, decrypt, restore aside, check) started, 0 when none: alert when time() - this > 8*86400.", nil, nil)
	backupDestinationDesc = prometheus.NewDesc("comptoir_backup_destination_last_success_timestamp",
		"Unix time (seconds) at which the last backup stored in this destination started, among the latest runs; 0 when none: alert when time() - this > 26*3600.", []string{"destination"}, nil)
)

// backupCollector exposes the state of the instance's backups.
type backupCollector struct {
	svc      *service.Service
	schedule string
	log      *slog.Logger
}

func (s *Server) backupCollector() prometheus.Collector {
	return backupCollector{svc: s.svc, schedule: s.opts.BackupSchedule, log: s.log}
}

func (c backupCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{backupConfiguredDesc, backupLastSuccessDesc, backupLastRunDesc, backupLastStatusDesc,
		backupLastOKDesc, backupRunningDesc, backupDurationDesc, backupSizeDesc, backupVerifyDesc, backupDestinationDesc} {
		ch <- d
	}
}

// Collect reads the runs. When the database does not answer, the backup
// series are left out of the scrape (and logged) rather than failing the
// whole scrape: the readiness probe reports the database, and an alert on
// absent(comptoir_backup_configured) catches a long outage.
func (c backupCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), backupScrapeTimeout)
	defer cancel()
	st, err := c.svc.BackupStatus(ctx, c.schedule)
	if err != nil {
		c.log.Warn("backup metrics: cannot read the backup runs", "err", err)
		return
	}
	for _, m := range backupMetrics(st) {
		ch <- m
	}
}

// backupMetrics turns the backup status into metrics.
func backupMetrics(st service.BackupStatus) []prometheus.Metric {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
		return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	var out []prometheus.Metric
	out = append(out, gauge(backupConfiguredDesc, boolValue(st.Configured)))

	var successAt, duration, size float64
	if s := st.LastSuccess; s != nil {
		successAt, duration, size = unixSeconds(s.StartedAt), s.Seconds, float64(s.Size)
	}
	out = append(out, gauge(backupLastSuccessDesc, successAt), gauge(backupDurationDesc, duration), gauge(backupSizeDesc, size))

	last, running := lastFinishedBackup(st)
	var lastAt float64
	lastStatus := ""
	if last != nil {
		lastAt, lastStatus = unixSeconds(last.StartedAt), last.Status
	}
	out = append(out, gauge(backupLastRunDesc, lastAt), gauge(backupLastOKDesc, boolValue(lastStatus == service.BackupOK)),
		gauge(backupRunningDesc, boolValue(running != nil)))
	for _, status := range backupStatuses {
		out = append(out, gauge(backupLastStatusDesc, boolValue(lastStatus == status), status))
	}

	var verifiedAt float64
	if v := st.LastVerify; v != nil {
		verifiedAt = unixSeconds(v.StartedAt)
	}
	out = append(out, gauge(backupVerifyDesc, verifiedAt))

	stored := destinationSuccesses(st.Runs)
	for _, d := range st.Destinations {
		var at float64
		if t, ok := stored[d]; ok {
			at = unixSeconds(t)
		}
		out = append(out, gauge(backupDestinationDesc, at, d))
	}
	return out
}

// lastFinishedBackup returns the newest backup run that ended, and the run
// under way since, if any. Runs are the latest first.
func lastFinishedBackup(st service.BackupStatus) (last, running *service.BackupRunView) {
	for i := range st.Runs {
		r := &st.Runs[i]
		switch {
		case r.Kind != "backup":
		case r.Status != service.BackupRunning:
			return r, running
		case running == nil:
			running = r
		}
	}
	// The latest runs are all verifications and runs under way: the
	// newest backup, if it ended, is further back.
	if st.LastRun != nil && st.LastRun.Status != service.BackupRunning {
		return st.LastRun, running
	}
	return nil, running
}

// destinationSuccesses returns, for each destination (without credentials)
// that took a backup among runs, when the newest of those backups started.
func destinationSuccesses(runs []service.BackupRunView) map[string]time.Time {
	out := map[string]time.Time{}
	for _, r := range runs {
		if r.Kind != "backup" || r.Backup == nil {
			continue
		}
		for _, d := range r.Backup.Destinations {
			if t, seen := out[d.Destination]; d.OK && (!seen || r.StartedAt.After(t)) {
				out[d.Destination] = r.StartedAt
			}
		}
	}
	return out
}

func unixSeconds(t time.Time) float64 { return float64(t.Unix()) }

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
