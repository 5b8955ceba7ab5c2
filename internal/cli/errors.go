package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/reconcile"
)

// exitError carries an exit code and an optional hint ("Try: …").
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(err error, hint string) error { return &exitError{outcome.ExitUsage, err, hint} }

// FlagError is a command line that does not parse: an unknown flag or
// command, a bad flag value, the wrong number of arguments. It is typed
// where cobra reports it (SetFlagErrorFunc, the Args checks), so no
// message is ever matched.
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

func flagError(_ *cobra.Command, err error) error { return &FlagError{err} }

// typedArgs makes an argument check's error a FlagError.
func typedArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &FlagError{err}
		}
		return nil
	}
}

var (
	noArgs = typedArgs(cobra.NoArgs)
	oneArg = typedArgs(cobra.ExactArgs(1))
)

// exitCodeFor is the exit status of the error a command returned, and the
// hint printed with it.
func exitCodeFor(err error) (code int, hint string) {
	var ee *exitError
	var locked *ledger.LockedError
	var cfgErr *config.Error
	var flagErr *FlagError
	switch {
	case errors.Is(err, context.Canceled):
		// First: an interrupt surfaces wrapped in whatever was running.
		return outcome.ExitInterrupted, "run the same command again to finish: the ledger is consistent and records already done are not sent twice"
	case errors.As(err, &ee):
		return ee.code, ee.hint
	case errors.As(err, &locked):
		return outcome.ExitLocked, "wait for that run to finish; a lock left by a killed process is released automatically"
	case errors.As(err, &cfgErr):
		return outcome.ExitUsage, "fix the config keys above (nsrecon config check shows them all)"
	case errors.As(err, &flagErr):
		return outcome.ExitUsage, "see nsrecon --help"
	}
	return outcome.ExitError, ""
}

// authHint reports whether err is Stripe or NetSuite rejecting the
// credentials, and what to check. It is the CLI's only auth
// classification.
func authHint(err error) (hint string, ok bool) {
	switch {
	case netsuite.IsAuth(err):
		return "check netsuite.auth.* (token-based auth: consumer key/secret, token ID/secret)", true
	case payout.IsAuth(err):
		return "check stripe.api_key (or STRIPE_API_KEY)", true
	}
	return "", false
}

// classifyRunErr gives the error that stopped a reconcile run its exit
// status and hint.
func classifyRunErr(err error) error {
	if hint, ok := authHint(err); ok {
		return &exitError{outcome.ExitAuth, err, hint}
	}
	if errors.Is(err, reconcile.ErrNetSuiteThrottled) {
		return &exitError{outcome.ExitError, err, "lower netsuite.concurrency (the limit is shared with other integrations) or run later; nothing is lost"}
	}
	if errors.Is(err, reconcile.ErrNetSuiteUnreachable) {
		return &exitError{outcome.ExitError, err, "check netsuite.base_url and the network; nothing is lost, run again when NetSuite answers"}
	}
	return err
}
