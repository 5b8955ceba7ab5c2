package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/notify"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/report"
)

// What a scheduled run needs around the run itself: a healthcheck ping
// at each end, one structured "run finished" event, waiting for the lock.

// reconcileRun is one run between a start and a finish ping, ending with
// the "run finished" log event.
func reconcileRun(ctx context.Context, opts *ReconcileOptions) error {
	started := time.Now()
	f := opts.Factory
	pinger := opts.pinger()
	pinger.Start(ctx)
	rep, err := reconcileOnce(ctx, opts)
	code := outcome.ExitOK
	if err != nil {
		code, _ = exitCodeFor(err)
	}
	summary := runFinished(rep, code, err, time.Since(started))
	if log, lerr := f.Logger(); lerr == nil {
		log.LogAttrs(context.WithoutCancel(ctx), levelFor(code), "run finished", summary...)
	}
	pinger.Finish(ctx, code, attrsText(summary))
	return err
}

// pinger is notify.ping_url's, or nil when there is none (or no config
// to read it from: the run's own error says why). A dry run never pings:
// a CI job sharing the production config would otherwise report the daily
// run as done on a day it did not run.
func (opts *ReconcileOptions) pinger() *notify.Pinger {
	f := opts.Factory
	if opts.DryRun {
		return nil
	}
	cfg, err := f.Config()
	if err != nil || cfg.Notify.PingURL.Reveal() == "" {
		return nil
	}
	log, _ := f.Logger()
	return &notify.Pinger{URL: cfg.Notify.PingURL.Reveal(), Client: f.HTTPClient, Log: log}
}

// runFinished is the run's outcome as log attributes: what a monitor or a
// log query needs without parsing the report.
func runFinished(rep *report.Report, code int, err error, d time.Duration) []slog.Attr {
	attrs := []slog.Attr{slog.Int("exit_code", code)}
	if rep != nil {
		t := rep.Totals
		codes := problemCodes(rep)
		attrs = append(attrs,
			slog.Int("payouts", t.Payouts), slog.Int("reconciled", t.Reconciled), slog.Int("ready", t.Ready),
			slog.Int("held", t.Held), slog.Int("failed", t.Failed), slog.Int("pushed", t.Pushed),
			slog.Any("problem_codes", codes), slog.Bool("dry_run", rep.Run.DryRun))
	}
	attrs = append(attrs, slog.Int64("duration_ms", d.Milliseconds()))
	if err != nil && code != outcome.ExitHeld {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	return attrs
}

// problemCodes are the distinct problem codes of the run's payouts, sorted.
func problemCodes(rep *report.Report) []string {
	seen := map[string]bool{}
	codes := []string{}
	for _, p := range rep.Payouts {
		for _, pr := range p.Problems {
			if !seen[pr.Code] {
				seen[pr.Code] = true
				codes = append(codes, pr.Code)
			}
		}
	}
	sort.Strings(codes)
	return codes
}

func levelFor(code int) slog.Level {
	switch code {
	case outcome.ExitOK:
		return slog.LevelInfo
	case outcome.ExitHeld:
		return slog.LevelWarn
	}
	return slog.LevelError
}

// attrsText is the summary as one "key=value" line, the ping's body.
func attrsText(attrs []slog.Attr) string {
	s := "nsrecon reconcile:"
	for _, a := range attrs {
		s += " " + a.String()
	}
	return s
}

// interruptedErr says the run was stopped (Ctrl-C, SIGTERM) and what it
// had done by then, so nobody mistakes it for NetSuite refusing a record.
func interruptedErr(rep *report.Report, cause error) error {
	t := rep.Totals
	return &exitError{outcome.ExitInterrupted,
		fmt.Errorf("interrupted: %d record(s) pushed, %d payout(s) reconciled before the stop: %w", t.Pushed, t.Reconciled, cause),
		"run the same command again to finish: the ledger is consistent and records already done are not sent twice"}
}

// waitLock takes the ledger's run lock, waiting up to wait for another
// run to release it (0: not at all). The last LockedError is returned
// when the wait runs out.
func waitLock(ctx context.Context, led *ledger.Ledger, wait time.Duration, log *slog.Logger) (func() error, error) {
	deadline := time.Now().Add(wait)
	logged := false
	for {
		unlock, err := led.Lock(ctx, "nsrecon reconcile")
		var locked *ledger.LockedError
		if !errors.As(err, &locked) || time.Now().After(deadline) {
			return unlock, err
		}
		if !logged {
			logged = true
			log.Info("waiting for the ledger lock", "holder", locked.Error(), "wait_lock", wait.String())
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(time.Second, time.Until(deadline)+time.Millisecond)):
		}
	}
}
