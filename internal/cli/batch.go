package cli

import (
	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/push"
)

// batchOptions are the pusher's async batch settings from netsuite.batch
// and netsuite.batch_size: off unless netsuite.batch is auto.
func batchOptions(cfg *config.Config) push.BatchOptions {
	if cfg.NetSuite.Batch != config.BatchAuto {
		return push.BatchOptions{}
	}
	return push.BatchOptions{Size: cfg.NetSuite.BatchSize}
}
