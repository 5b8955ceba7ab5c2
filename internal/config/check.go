package config

import (
	"io"

	"github.com/spf13/viper"
)

// Check is what `nsrecon config check` runs: Load's checks (unknown keys,
// wrong types, the business rules) and the credentials reading Stripe and
// writing NetSuite need, every problem in one *Error, so the user fixes
// everything in one go. Only a file that is not YAML at all stops it
// early. The Config is returned only when there is no problem.
func Check(v *viper.Viper, file io.Reader) (*Config, error) {
	cfg, problems, err := parse(v, file)
	if err != nil {
		return nil, err
	}
	for _, check := range []func() error{cfg.Validate, cfg.ValidateStripe, cfg.ValidateForPush} {
		if ce, ok := check().(*Error); ok {
			problems = append(problems, ce.Problems...)
		}
	}
	if problems = dedupe(problems); len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return cfg, nil
}

// dedupe drops a problem listed twice (netsuite.auth.method is checked by
// Validate and by ValidateForPush), keeping the first.
func dedupe(problems []FieldError) []FieldError {
	seen := map[FieldError]bool{}
	out := problems[:0]
	for _, p := range problems {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
