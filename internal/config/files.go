package config

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/viper"
)

// exampleYAML is example.yaml, embedded so `nsrecon config init` can
// write it anywhere.
//
//go:embed example.yaml
var exampleYAML string

// Example is the complete, commented example config.
func Example() string { return exampleYAML }

// FileEnvSuffix turns a secret's environment variable into the one that
// names a file holding it: NSRECON_STRIPE_API_KEY_FILE. Docker and
// Kubernetes mount secrets as files; this reads them without a shell.
const FileEnvSuffix = "_FILE"

// SearchPaths are the config files nsrecon reads when neither --config nor
// NSRECON_CONFIG names one, first found wins: ./nsrecon.yaml, the user's
// config directory (XDG_CONFIG_HOME, ~/.config, ~/Library/Application
// Support, %AppData%), then /etc/nsrecon/config.yaml (not on Windows).
func SearchPaths() []string {
	paths := []string{"nsrecon.yaml"}
	if dir, err := os.UserConfigDir(); err == nil && dir != "" {
		paths = append(paths, filepath.Join(dir, "nsrecon", "config.yaml"))
	}
	if runtime.GOOS != "windows" {
		paths = append(paths, "/etc/nsrecon/config.yaml")
	}
	return paths
}

// FindFile is the first of SearchPaths that exists as a regular file, or
// "" when none does.
func FindFile() string {
	for _, p := range SearchPaths() {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// readSecretFiles sets every secret whose NSRECON_<KEY>_FILE names a file
// to that file's content, without the trailing newline editors and
// `echo` leave. It ranks as the environment variable would: setting both
// is an error, since one of them would be silently ignored.
func readSecretFiles(v *viper.Viper, keys []Key) []FieldError {
	var problems []FieldError
	for _, k := range keys {
		if !k.Secret {
			continue
		}
		name := EnvName(k.Name) + FileEnvSuffix
		path := os.Getenv(name)
		if path == "" {
			continue
		}
		if os.Getenv(EnvName(k.Name)) != "" {
			problems = append(problems, FieldError{Key: k.Name, Msg: fmt.Sprintf("both %s and %s are set; unset one", EnvName(k.Name), name)})
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, FieldError{Key: k.Name, Msg: fmt.Sprintf("%s: %v", name, err)})
			continue
		}
		v.Set(k.Name, strings.TrimRight(string(data), "\r\n"))
	}
	return problems
}
