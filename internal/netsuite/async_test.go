package netsuite_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
)

func batchOf(n int, prefix string) ([]netsuite.BatchItem, []string) {
	var items []netsuite.BatchItem
	var ids []string
	for i := range n {
		eid := fmt.Sprintf("%s%d", prefix, i)
		items = append(items, netsuite.BatchItem{ExternalID: eid, Body: customer("", eid+"@example.com")})
		ids = append(ids, eid)
	}
	return items, ids
}

// A batch is one submit and a few polls; every record's internal ID comes
// back in item order, and the records exist once each.
func TestBatchUpsert(t *testing.T) {
	e := setup(t, nsfake.Options{AsyncProcessors: 2, AsyncRecordCost: 2 * time.Millisecond}, nil, nil)
	ctx := context.Background()
	items, ids := batchOf(30, "stripe_cus_b")
	key := netsuite.NewIdempotencyKey()
	job, err := e.c.SubmitBatch(ctx, netsuite.TypeCustomer, key, items)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(job, "/services/rest/async/v1/job/") {
		t.Fatalf("job = %q", job)
	}
	// The same key again (a retry after a lost response) is the same job.
	again, err := e.c.SubmitBatch(ctx, netsuite.TypeCustomer, key, items)
	if err != nil || again != job {
		t.Fatalf("resubmit = %q, %v; want %q", again, err, job)
	}
	res, err := e.c.FollowBatch(ctx, job, netsuite.TypeCustomer, ids, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	recs := e.fake.Records(netsuite.TypeCustomer)
	if len(recs) != 30 || len(res) != 30 {
		t.Fatalf("%d records, %d results", len(recs), len(res))
	}
	byExt := map[string]string{}
	for _, r := range recs {
		byExt[r.ExternalID] = r.ID
	}
	for i, r := range res {
		if r.Err != nil || r.ExternalID != ids[i] || r.ID != byExt[ids[i]] {
			t.Errorf("result %d = %+v, want %s as %s", i, r, ids[i], byExt[ids[i]])
		}
	}
	c := e.fake.Counts()
	if c["PUT customer"] != 2 || c["POST suiteql"] != 1 || c["GET asyncjob"] < 1 {
		t.Errorf("counts = %v: want 2 submits, polls and one SuiteQL lookup", c)
	}
}

// A record NetSuite refuses inside a batch comes back with NetSuite's
// error; the others with their IDs.
func TestBatchRecordRefused(t *testing.T) {
	e := setup(t, nsfake.Options{AsyncRecordCost: time.Millisecond}, nil, nil)
	ctx := context.Background()
	e.fake.RefuseWrites("stripe_cus_x1", "A workflow refused this customer.")
	items, ids := batchOf(3, "stripe_cus_x")
	job, err := e.c.SubmitBatch(ctx, netsuite.TypeCustomer, netsuite.NewIdempotencyKey(), items)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.c.FollowBatch(ctx, job, netsuite.TypeCustomer, ids, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var ne *netsuite.Error
	if !errors.As(res[1].Err, &ne) || ne.Code != "USER_ERROR" || !netsuite.IsPermanent(res[1].Err) || !strings.Contains(ne.Detail, "workflow") {
		t.Errorf("refused record: %+v", res[1])
	}
	if res[0].Err != nil || res[0].ID == "" || res[2].Err != nil || res[2].ID == "" {
		t.Errorf("other records: %+v", res)
	}
	if n := len(e.fake.Records(netsuite.TypeCustomer)); n != 2 {
		t.Errorf("%d customers, want 2", n)
	}
}

// Records hold the fake's async processors: with one processor a batch
// takes its records' processor time one after another, with three about a
// third of it.
func TestFakeAsyncProcessors(t *testing.T) {
	for _, procs := range []int{1, 3} {
		e := setup(t, nsfake.Options{AsyncProcessors: procs, AsyncRecordCost: 10 * time.Millisecond}, nil, nil)
		ctx := context.Background()
		items, ids := batchOf(9, fmt.Sprintf("stripe_cus_p%d_", procs))
		start := time.Now()
		job, err := e.c.SubmitBatch(ctx, netsuite.TypeCustomer, netsuite.NewIdempotencyKey(), items)
		if err != nil {
			t.Fatal(err)
		}
		if q := e.fake.AsyncQueued(); q == 0 {
			t.Errorf("%d processors: nothing queued right after the submit", procs)
		}
		if _, err := e.c.FollowBatch(ctx, job, netsuite.TypeCustomer, ids, time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if took, min := time.Since(start), time.Duration(9/procs)*10*time.Millisecond; took < min {
			t.Errorf("%d processors: job took %v, less than its processor time %v", procs, took, min)
		}
	}
}

func TestBatchRejectsOversize(t *testing.T) {
	e := setup(t, nsfake.Options{}, nil, nil)
	items, _ := batchOf(netsuite.MaxBatch+1, "stripe_cus_o")
	if _, err := e.c.SubmitBatch(context.Background(), netsuite.TypeCustomer, "k", items); err == nil {
		t.Error("a batch of 101 was sent")
	}
}
