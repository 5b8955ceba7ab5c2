package reconcile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// BenchmarkTxnsPerDayPerConnection runs the whole pipeline (Stripe read,
// plan, push) on the sandbox account against a fake NetSuite answering in
// NSRECON_BENCH_LATENCY (default 1s) with 5 connections, and reports the
// seeds' unit: balance transactions reconciled per day per NetSuite
// connection (the Stripe connector's rule of thumb is 500).
//
//	go test -run '^$' -bench TxnsPerDay -benchtime 1x ./internal/reconcile
func BenchmarkTxnsPerDayPerConnection(b *testing.B) {
	latency := time.Second
	if v := os.Getenv("NSRECON_BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		latency = d
	}
	const conns = 5
	for range b.N {
		b.StopTimer()
		env, err := sandbox.Start(context.Background(), sandbox.Options{Latency: latency, Concurrency: conns})
		if err != nil {
			b.Fatal(err)
		}
		cfg, err := config.Load(config.New(), strings.NewReader(env.ConfigYAML()))
		if err != nil {
			b.Fatal(err)
		}
		reader, err := payout.NewReader(payout.ReaderConfig{APIKey: cfg.Stripe.APIKey.Reveal(), APIBase: cfg.Stripe.APIBase})
		if err != nil {
			b.Fatal(err)
		}
		a := cfg.NetSuite.Auth
		ns, err := netsuite.New(netsuite.Config{AccountID: cfg.NetSuite.AccountID, BaseURL: cfg.NetSuite.BaseURL, Concurrency: conns,
			Auth: netsuite.AuthConfig{ConsumerKey: a.ConsumerKey.Reveal(), ConsumerSecret: a.ConsumerSecret.Reveal(),
				TokenID: a.TokenID.Reveal(), TokenSecret: a.TokenSecret.Reveal()}}, nil)
		if err != nil {
			b.Fatal(err)
		}
		l, err := ledger.Open(context.Background(), filepath.Join(b.TempDir(), "l.db"))
		if err != nil {
			b.Fatal(err)
		}
		from, to := env.Window()
		r := &Runner{Stripe: reader, Ledger: l, Push: push.New(ns, l, push.Options{Concurrency: conns})}
		b.StartTimer()
		start := time.Now()
		rep, err := r.Run(context.Background(), Options{From: from, To: to, Settings: plansettings.From(cfg)})
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		txns, records := 0, 0
		for _, p := range rep.Payouts {
			if p.Status == "reconciled" {
				txns += p.Transactions
				records += p.Pushed
			}
		}
		perDay := float64(txns) / elapsed.Seconds() * 86400 / conns
		b.ReportMetric(perDay, "txns/day/conn")
		b.ReportMetric(perDay/500, "x-rule-of-thumb")
		b.ReportMetric(float64(records)/float64(txns), "records/txn")
		b.ReportMetric(float64(ns.Stats().Requests)/float64(records), "requests/record")
		l.Close()
		env.Close()
	}
}
