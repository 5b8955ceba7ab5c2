package config

// NotifyConfig tells a monitor that a run happened and how it ended.
type NotifyConfig struct {
	// PingURL is a healthcheck URL (healthchecks.io and compatible
	// monitors). It is a secret: whoever has it can report runs.
	PingURL Secret `mapstructure:"ping_url"`
}
