package realtime

// Prefixes are the Stripe ID prefixes of the objects Sync syncs, one per
// row of its kinds table: the listener names each in its log lines.
func Prefixes() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.prefix
	}
	return out
}
