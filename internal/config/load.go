package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/nsrecon/nsrecon/internal/category"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// Load registers defaults and NSRECON_* environment variables on v (flags
// the caller bound with v.BindPFlag keep the highest precedence), reads the
// YAML config file from file (nil = no file), and returns the typed,
// validated Config.
//
// Errors: a malformed file gives an error naming the line; every other
// problem (unknown keys, wrong types, failed validation) is collected into
// one *Error so the user can fix everything in one go.
func Load(v *viper.Viper, file io.Reader) (*Config, error) {
	cfg, problems, err := parse(v, file)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		problems = append(problems, err.(*Error).Problems...)
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return cfg, nil
}

// Parse is Load without the business validation (mappings, credentials):
// for commands that only read the ledger or show the config, which must
// work while the config is still incomplete. Unknown keys, malformed YAML
// and wrong types are still errors.
func Parse(v *viper.Viper, file io.Reader) (*Config, error) {
	cfg, problems, err := parse(v, file)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return cfg, nil
}

func parse(v *viper.Viper, file io.Reader) (*Config, []FieldError, error) {
	register(v)
	keys := Keys()

	problems := readSecretFiles(v, keys)
	var root yaml.Node
	if file != nil {
		data, err := io.ReadAll(file)
		if err != nil {
			return nil, nil, fmt.Errorf("config file: %w", err)
		}
		if err := yaml.Unmarshal(data, &root); err != nil {
			// yaml.v3 messages already read "yaml: line 7: …".
			return nil, nil, &Error{Problems: []FieldError{{Key: "config file", Msg: err.Error()}}}
		}
		problems = append(problems, checkFileKeys(&root, keys)...)
		v.SetConfigType("yaml")
		if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
			return nil, nil, &Error{Problems: []FieldError{{Key: "config file", Msg: err.Error()}}}
		}
	}

	settings := v.AllSettings()
	problems = append(problems, coerceScalars(settings, keys)...)

	var cfg Config
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		Result:           &cfg,
		WeaklyTypedInput: true, // YAML `bank: {usd: 1}` means the ID "1"
		DecodeHook:       jsonToMapHook,
	})
	if err != nil {
		return nil, nil, err
	}
	if err := dec.Decode(settings); err != nil {
		// Only reachable with a value shape coerceScalars cannot fix, e.g. a
		// list where a map belongs; mapstructure's message names the field.
		problems = append(problems, FieldError{Key: "config", Msg: err.Error()})
		return nil, nil, &Error{Problems: problems}
	}
	cfg.Accounts.Lines = accountLines(v)
	if raw, _ := lookup(settings, "netsuite.defaults"); raw != nil {
		if _, fromEnv := v.Get("netsuite.defaults").(string); !fromEnv {
			d, ok, err := fileDefaults(&root)
			if err != nil {
				problems = append(problems, FieldError{Key: "netsuite.defaults", Msg: err.Error()})
			} else if ok {
				cfg.NetSuite.Defaults = d
			}
		}
	}
	cfg.normalize()
	return &cfg, problems, nil
}

// accountLines reads the account keys of the category table that have no
// field of their own in AccountsConfig.
func accountLines(v *viper.Viper) map[string]string {
	lines := map[string]string{}
	for _, r := range category.AccountKeys() {
		if !fieldKeys[r.Key] {
			lines[r.Key] = strings.TrimSpace(v.GetString(r.Key))
		}
	}
	return lines
}

// fieldKeys are the category account keys AccountsConfig has a field for.
var fieldKeys = map[string]bool{category.KeyStripeFees: true, category.KeyFeeTax: true}

// normalize puts values in the form the rest of nsrecon compares against,
// so a user may write "USD" or "ps256".
func (c *Config) normalize() {
	c.Accounts.Bank = lowerKeys(c.Accounts.Bank)
	c.Accounts.Categories = lowerKeys(c.Accounts.Categories)
	c.Currencies = lowerKeys(c.Currencies)
	c.NetSuite.Auth.Method = strings.ToLower(strings.TrimSpace(c.NetSuite.Auth.Method))
	c.NetSuite.Auth.Algorithm = strings.ToUpper(strings.TrimSpace(c.NetSuite.Auth.Algorithm))
	c.Customers.Mode = strings.ToLower(strings.TrimSpace(c.Customers.Mode))
	c.Rules.OrphanRefund = strings.ToLower(strings.TrimSpace(c.Rules.OrphanRefund))
	c.Rules.Rounding = strings.ToLower(strings.TrimSpace(c.Rules.Rounding))
	c.Customers.EntityID = strings.ToLower(strings.TrimSpace(c.Customers.EntityID))
}

func lowerKeys(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out
}

// jsonToMapHook lets a map-valued key come from one environment variable
// holding a JSON object (NSRECON_ACCOUNTS_BANK='{"usd":"1"}'): viper cannot
// discover NSRECON_ACCOUNTS_BANK_USD-style variables, since it would have to
// guess the map's keys.
func jsonToMapHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to.Kind() != reflect.Map {
		return data, nil
	}
	s := strings.TrimSpace(data.(string))
	if s == "" {
		return map[string]string{}, nil
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf(`must be a map like usd: "1" (in an environment variable, a JSON object like {"usd":"1"})`)
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = v
		case float64: // JSON numbers; internal IDs are integers
			out[k] = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			return nil, fmt.Errorf("value of %q must be a string", k)
		}
	}
	return out, nil
}

// coerceScalars converts the non-string keys in settings to their Go types
// in place. Checking them here, rather than letting mapstructure fail, lets
// us name the key, show the expected form, and keep collecting problems.
// A bad value is replaced by the key's default so decoding can go on.
func coerceScalars(settings map[string]any, keys []Key) []FieldError {
	var problems []FieldError
	for _, k := range keys {
		raw, ok := lookup(settings, k.Name)
		if !ok {
			// Only when the file put a scalar where a section belongs
			// (`netsuite: 5`, reported by checkFileKeys): rebuild the
			// section from defaults so decoding reaches the other keys.
			set(settings, k.Name, k.Default)
			continue
		}
		var (
			val any
			err error
		)
		switch k.Default.(type) {
		case int:
			val, err = toInt(raw)
		case bool:
			val, err = toBool(raw)
		case time.Duration:
			val, err = toDuration(raw)
		case FieldDefaults:
			val, err = toFieldDefaults(raw)
		case map[string]string:
			// A scalar where a map belongs is only legitimate as JSON (env).
			if s, isStr := raw.(string); isStr {
				val, err = jsonToMapHook(reflect.TypeOf(s), reflect.TypeOf(map[string]string{}), s)
			} else {
				val, err = toStringMap(raw)
			}
		default:
			val, err = toString(raw)
		}
		if err != nil {
			msg := err.Error()
			if !k.Secret {
				msg += fmt.Sprintf(" (got %s)", quoteValue(raw))
			}
			problems = append(problems, FieldError{Key: k.Name, Msg: msg})
			val = k.Default
		}
		set(settings, k.Name, val)
	}
	return problems
}

func toInt(raw any) (int, error) {
	switch x := raw.(type) {
	case int:
		return x, nil
	case int64:
		return int(x), nil
	case float64:
		if x == float64(int(x)) {
			return int(x), nil
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("must be a whole number")
}

func toBool(raw any) (bool, error) {
	switch x := raw.(type) {
	case bool:
		return x, nil
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("must be true or false")
}

func toDuration(raw any) (time.Duration, error) {
	switch x := raw.(type) {
	case time.Duration:
		return x, nil
	case string:
		if d, err := time.ParseDuration(strings.TrimSpace(x)); err == nil {
			return d, nil
		}
	}
	// A bare number is rejected on purpose: is 60 seconds or nanoseconds?
	return 0, fmt.Errorf(`must be a duration with a unit, like "60s" or "2m"`)
}

func toString(raw any) (string, error) {
	switch x := raw.(type) {
	case string:
		return x, nil
	case int, int64, float64, bool:
		// YAML reads `account_id: 123456` and `subsidiary: 1` as numbers.
		return fmt.Sprint(x), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("must be a single value, not a list or map")
}

func toStringMap(raw any) (map[string]string, error) {
	out := map[string]string{}
	switch x := raw.(type) {
	case nil:
		return out, nil
	case map[string]string:
		for k, v := range x {
			out[k] = v
		}
		return out, nil
	case map[string]any:
		for k, v := range x {
			s, err := toString(v)
			if err != nil {
				return nil, fmt.Errorf("entry %q %v", k, err)
			}
			out[k] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf(`must be a map, e.g. usd: "1"`)
}

func quoteValue(raw any) string {
	if s, ok := raw.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(raw)
}

// lookup and set address a dotted key in viper's nested settings map.
func lookup(m map[string]any, key string) (any, bool) {
	parts := strings.Split(key, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			return nil, false
		}
		m = next
	}
	v, ok := m[parts[len(parts)-1]]
	return v, ok
}

func set(m map[string]any, key string, val any) {
	parts := strings.Split(key, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = val
}

// checkFileKeys walks the YAML tree and reports every key nsrecon does not
// know, with its line, so a typo like `concurency` is not silently ignored
// (viper would just never read it).
func checkFileKeys(root *yaml.Node, keys []Key) []FieldError {
	leaf := map[string]Key{}
	section := map[string]bool{}
	for _, k := range keys {
		leaf[k.Name] = k
		parts := strings.Split(k.Name, ".")
		for i := 1; i < len(parts); i++ {
			section[strings.Join(parts[:i], ".")] = true
		}
	}
	var problems []FieldError
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n.Kind != yaml.MappingNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return // `stripe:` with nothing under it
			}
			name := prefix
			if name == "" {
				name = "config"
			}
			problems = append(problems, FieldError{Key: name, Msg: fmt.Sprintf("line %d: must be a section of keys", n.Line)})
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, vn := n.Content[i], n.Content[i+1]
			name := strings.ToLower(kn.Value)
			if prefix != "" {
				name = prefix + "." + name
			}
			switch {
			case section[name]:
				walk(vn, name)
			case leaf[name].Name != "":
				// Values are checked after merging with env and flags.
			default:
				msg := fmt.Sprintf("unknown key (line %d)", kn.Line)
				if s := suggest(name, leaf, section); s != "" {
					msg += "; did you mean " + s + "?"
				}
				problems = append(problems, FieldError{Key: name, Msg: msg})
			}
		}
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		walk(root.Content[0], "")
	}
	return problems
}

// suggest returns the known key closest to name when it is close enough to
// be a typo.
func suggest(name string, leaf map[string]Key, section map[string]bool) string {
	var cands []string
	for k := range leaf {
		cands = append(cands, k)
	}
	for k := range section {
		cands = append(cands, k)
	}
	sort.Strings(cands) // deterministic among equally close keys
	best, bestD := "", 4
	for _, c := range cands {
		if d := editDistance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
