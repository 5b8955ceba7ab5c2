package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/doctor"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// DoctorOptions is nsrecon doctor's command line.
type DoctorOptions struct {
	Factory *Factory
	Format  string
	Sandbox bool
}

// NewCmdDoctor is nsrecon doctor; runF, when set, runs instead of doctorRun.
func NewCmdDoctor(f *Factory, runF func(*DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check online that the config works with the real Stripe and NetSuite accounts",
		Long: `Check, online and without writing anything, what a first run needs: the Stripe
key reads every resource nsrecon reads; the NetSuite login works and the role
may view, create and edit every record type nsrecon writes; every configured
internal ID exists and is the right kind (bank accounts are Bank accounts in
the mapped currency, Undeposited Funds, expense and income accounts, items
usable on invoices and credit memos, the subsidiary, currencies whose symbols
match the mapped codes, tax codes and schedules); the ledger path is
writable; the webhook secret is set when the listener is configured.

One line per check, ✔ or ✘ with the fix. The write check sends each record
type an empty upsert, which NetSuite refuses before saving (400), or refuses
for the role (403).

Exit status: 0 every check passed, 2 a configuration problem, 4 Stripe or
NetSuite refused the credentials or the role lacks a permission.`,
		Example: `  nsrecon doctor
  nsrecon doctor --format json
  nsrecon doctor --sandbox      # the sandbox config passes it`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Sandbox {
				opts.Factory = sandboxFactory(f)
			}
			if runF != nil {
				return runF(opts)
			}
			return doctorRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "table", "output format: table or json")
	cmd.Flags().BoolVar(&opts.Sandbox, "sandbox", false, "check the built-in demo account's config against its fakes")
	return cmd
}

func doctorRun(cmd *cobra.Command, opts *DoctorOptions) error {
	if opts.Format != "table" && opts.Format != "json" {
		return usageErr(fmt.Errorf("--format %q: want table or json", opts.Format), "")
	}
	f := opts.Factory
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	dopts := doctor.Options{Config: cfg, HTTP: f.HTTPClient}
	if cfg.ValidateForPush() == nil {
		ns, err := f.NetSuite()
		if err != nil {
			return err
		}
		dopts.NetSuite = ns
	}
	res := doctor.Run(cmd.Context(), dopts)
	if opts.Format == "json" {
		err = writeJSON(f, newDoctorDoc(res))
	} else {
		err = writeDoctorLines(f, res)
	}
	if err != nil {
		return err
	}
	switch code := res.ExitCode(); code {
	case outcome.ExitOK:
		return nil
	case outcome.ExitAuth:
		return &exitError{code, fmt.Errorf("doctor: %d check(s) failed", failedChecks(res)), "fix the credentials or the role as the ✘ lines say, then run nsrecon doctor again"}
	default:
		return &exitError{code, fmt.Errorf("doctor: %d check(s) failed", failedChecks(res)), "fix the config as the ✘ lines say, then run nsrecon doctor again"}
	}
}

func failedChecks(r *doctor.Result) int {
	n := 0
	for _, c := range r.Checks {
		if !c.OK {
			n++
		}
	}
	return n
}

func writeDoctorLines(f *Factory, r *doctor.Result) error {
	for _, c := range r.Checks {
		mark := "✔"
		if !c.OK {
			mark = "✘"
		}
		if _, err := fmt.Fprintf(f.Stdout, "%s %s: %s\n", mark, c.Name, c.Detail); err != nil {
			return err
		}
		if !c.OK && c.Fix != "" {
			if _, err := fmt.Fprintf(f.Stdout, "    fix: %s\n", c.Fix); err != nil {
				return err
			}
		}
	}
	_, err := fmt.Fprintf(f.Stdout, "%d checks, %d failed\n", len(r.Checks), failedChecks(r))
	return err
}

// doctorDoc is nsrecon doctor --format json (JSON.md).
type doctorDoc struct {
	SchemaVersion int           `json:"schema_version"`
	OK            bool          `json:"ok"`
	ExitCode      int           `json:"exit_code"`
	Checks        []doctorCheck `json:"checks"`
}

type doctorCheck struct {
	Name   string `json:"name"`
	Key    string `json:"key"`
	OK     bool   `json:"ok"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
}

func newDoctorDoc(r *doctor.Result) doctorDoc {
	d := doctorDoc{SchemaVersion: 1, ExitCode: r.ExitCode(), Checks: []doctorCheck{}}
	d.OK = d.ExitCode == outcome.ExitOK
	for _, c := range r.Checks {
		d.Checks = append(d.Checks, doctorCheck{Name: c.Name, Key: c.Key, OK: c.OK, Kind: string(c.Kind), Detail: c.Detail, Fix: c.Fix})
	}
	return d
}
