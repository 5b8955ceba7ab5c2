package realtime

import (
	"hash/fnv"
	"slices"
	"sync"

	"github.com/nsrecon/nsrecon/internal/plan"
)

// keyLocks keeps two pushes that share a NetSuite record (a charge's and
// its dispute's, a payout's and one of its charges') from sending it at
// the same time: NetSuite may refuse the second create of an external ID
// instead of adopting it. External IDs hash onto a fixed set of stripes,
// locked in ascending order, so pushes never deadlock.
type keyLocks struct {
	stripes [64]sync.Mutex
}

// lock locks every stripe pl's records hash to and returns the unlock.
func (k *keyLocks) lock(pl *plan.Plan) (unlock func()) {
	var idx []int
	for _, r := range pl.Records {
		h := fnv.New32a()
		_, _ = h.Write([]byte(r.ExternalID))
		idx = append(idx, int(h.Sum32()%uint32(len(k.stripes))))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	for _, i := range idx {
		k.stripes[i].Lock()
	}
	return func() {
		for _, i := range idx {
			k.stripes[i].Unlock()
		}
	}
}
