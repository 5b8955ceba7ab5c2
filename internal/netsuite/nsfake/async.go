package nsfake

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// NetSuite's asynchronous batch upserts, modelled from Oracle's help
// ("Batch Operations", "REST Web Services Request Processing"): PUT
// /record/v1/<type> with Prefer: respond-async, Content-Type
// application/vnd.oracle.resource+json; type=collection and
// {"items":[…]} (1 to 100 records, each with its externalId) is accepted
// with 202 and the job's Location. The job's records wait in one queue
// served by Options.AsyncProcessors processors (NetSuite has one REST
// async processor per SuiteCloud Plus license); each record holds a
// processor for Options.AsyncRecordCost and takes effect when that time is
// over, with the same checks as a synchronous upsert (Oracle's schema
// under the submission's validation headers included). Every submit and
// poll is an API request like any other: it counts against the
// concurrency limit, waits the latency and may meet the injected faults.
//
// Time is modelled, not slept: each record's processor slot is computed
// when the batch is accepted, and records take effect, in the order they
// finish, at the start of the first request served after their time.
//
// Job documents: GET …/async/v1/job/<id> ({id, completed, progress:
// pending | processing | succeeded | failed, task: {links}}), …/task (one
// task per item, in item order), …/task/<n> ({id, completed, progress,
// startTime, endTime}) and …/task/<n>/result: a link to the record, or
// NetSuite's error document for it. A second submission with the same
// X-NetSuite-Idempotency-Key is refused with 400 IDEMPOTENCY_ERROR and the
// first job's Location.

const (
	asyncJobPrefix = "/services/rest/async/v1/job/"
	collectionType = "application/vnd.oracle.resource+json"
	maxBatch       = 100
)

type asyncJob struct {
	id    string
	tasks []*asyncTask
}

type asyncTask struct {
	typ, eid, replace string
	val               validation // the submission's X-NetSuite-Property*Validation
	body              map[string]any
	start, end        time.Time
	done              bool
	recID             string
	err               *apiError
}

// asyncState is the fake's async queue. Callers hold s.mu.
type asyncState struct {
	jobs    map[string]*asyncJob
	byKey   map[string]string // idempotency key → job ID
	nextJob int
	free    []time.Time // per processor: when it is next free
	pending []*asyncTask
}

// AsyncQueued is how many batch records are accepted and not yet done.
func (s *Server) AsyncQueued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	return len(s.async.pending)
}

func asyncRouteName(r *http.Request) (string, bool) {
	if strings.HasPrefix(r.URL.Path, asyncJobPrefix) {
		return r.Method + " asyncjob", true
	}
	return "", false
}

// routeAsync serves batch submissions and job documents; false if r is
// neither.
func (s *Server) routeAsync(w http.ResponseWriter, r *http.Request) bool {
	var err *apiError
	switch {
	case strings.HasPrefix(r.URL.Path, asyncJobPrefix):
		if r.Method != http.MethodGet {
			err = &apiError{status: http.StatusMethodNotAllowed, code: "METHOD_NOT_ALLOWED", detail: "Async jobs take GET."}
		} else {
			err = s.serveJob(w, strings.Split(strings.TrimPrefix(r.URL.Path, asyncJobPrefix), "/"))
		}
	case r.Method == http.MethodPut && isCollectionPath(r):
		err = s.submitBatch(w, r)
	default:
		return false
	}
	if err != nil {
		writeError(w, err)
	}
	return true
}

func isCollectionPath(r *http.Request) bool {
	parts, ok := splitRecordPath(r)
	return ok && len(parts) == 1
}

func (s *Server) submitBatch(w http.ResponseWriter, r *http.Request) *apiError {
	parts, _ := splitRecordPath(r)
	typ := parts[0]
	if !writable[typ] {
		return badRequest("INVALID_RCRD_TYPE", "", "The record type [%s] is invalid or not supported by the fake.", typ)
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != collectionType ||
		!strings.Contains(r.Header.Get("Content-Type"), "type=collection") {
		return badRequest("INVALID_CONTENT", "", "A batch request needs Content-Type: application/vnd.oracle.resource+json; type=collection.")
	}
	if !strings.Contains(strings.ToLower(r.Header.Get("Prefer")), "respond-async") {
		return badRequest("INVALID_CONTENT", "", "Batch operations are executed asynchronously: send Prefer: respond-async.")
	}
	body, e := decodeBody(r)
	if e != nil {
		return e
	}
	items, e := batchItems(body)
	if e != nil {
		return e
	}
	key := r.Header.Get("X-NetSuite-Idempotency-Key")
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, dup := s.async.byKey[key]; key != "" && dup {
		w.Header().Set("Location", asyncJobPrefix+id)
		return &apiError{status: http.StatusBadRequest, code: "IDEMPOTENCY_ERROR",
			detail: `A request with the same idempotency key is already submitted. See the "Location" header for a link to the previously submitted job`}
	}
	job := s.enqueue(typ, r.URL.Query().Get("replace"), validationOf(r), items)
	if key != "" {
		s.async.byKey[key] = job.id
	}
	w.Header().Set("Location", asyncJobPrefix+job.id)
	w.Header().Set("Preference-Applied", "respond-async")
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// batchItems checks {"items":[…]}: 1 to 100 objects with valid external IDs.
func batchItems(body map[string]any) ([]map[string]any, *apiError) {
	raw, ok := body["items"].([]any)
	if !ok || len(raw) == 0 {
		return nil, badRequest("INVALID_CONTENT", "items", "A batch request body is {\"items\": [...]} with at least one record.")
	}
	if len(raw) > maxBatch {
		return nil, badRequest("INVALID_CONTENT", "items", "A batch request holds at most %d records, not %d.", maxBatch, len(raw))
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, badRequest("INVALID_CONTENT", fmt.Sprintf("items[%d]", i), "Batch items must be objects.")
		}
		if eid, _ := m["externalId"].(string); !validExternalID(eid) {
			return nil, badRequest("INVALID_CONTENT", fmt.Sprintf("items[%d].externalId", i),
				"A batch upsert (PUT) needs an external ID on every item.")
		}
		out[i] = m
	}
	return out, nil
}

// enqueue makes a job of items and gives each record its processor slot:
// the processor free soonest, from now or when it frees up. Callers hold
// s.mu.
func (s *Server) enqueue(typ, replace string, val validation, items []map[string]any) *asyncJob {
	a := &s.async
	if a.jobs == nil {
		a.jobs, a.byKey = map[string]*asyncJob{}, map[string]string{}
		a.free = make([]time.Time, max(s.opts.AsyncProcessors, 1))
	}
	cost := s.opts.AsyncRecordCost
	if cost == 0 {
		cost = s.opts.Latency
	}
	now := s.now()
	a.nextJob++
	job := &asyncJob{id: strconv.Itoa(a.nextJob)}
	for _, m := range items {
		p := 0
		for i, f := range a.free {
			if f.Before(a.free[p]) {
				p = i
			}
		}
		start := a.free[p]
		if start.Before(now) {
			start = now
		}
		t := &asyncTask{typ: typ, eid: m["externalId"].(string), replace: replace, val: val, body: m, start: start, end: start.Add(cost)}
		a.free[p] = t.end
		job.tasks = append(job.tasks, t)
		a.pending = append(a.pending, t)
	}
	a.jobs[job.id] = job
	return job
}

func (s *Server) advanceAsync() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
}

// advanceLocked carries out, in the order they finish, the records whose
// processor time is over. Callers hold s.mu.
func (s *Server) advanceLocked() {
	a := &s.async
	if len(a.pending) == 0 {
		return
	}
	now := s.now()
	sort.SliceStable(a.pending, func(i, j int) bool { return a.pending[i].end.Before(a.pending[j].end) })
	n := 0
	for n < len(a.pending) && !a.pending[n].end.After(now) {
		t := a.pending[n]
		// Each record is checked as a PUT of it alone would be (schema.go).
		if t.err = enforceSchema(t.typ, t.body, t.val); t.err == nil {
			t.recID, t.err = s.upsertLocked(t.typ, t.eid, t.body, t.replace)
		}
		t.done, t.body = true, nil
		n++
	}
	a.pending = a.pending[n:]
}

// serveJob serves …/job/<id>[/task[/<n>[/result]]].
func (s *Server) serveJob(w http.ResponseWriter, parts []string) *apiError {
	s.mu.Lock()
	job := s.async.jobs[parts[0]]
	var doc any
	var e *apiError
	switch {
	case job == nil:
		e = notFound("job", parts[0])
	case len(parts) == 1:
		doc = s.jobDoc(job)
	case len(parts) == 2 && parts[1] == "task":
		doc = s.taskList(job)
	case len(parts) >= 3 && parts[1] == "task":
		doc, e = s.taskDoc(job, parts[2:])
	default:
		e = &apiError{status: http.StatusNotFound, code: "INVALID_URL", detail: "No such resource."}
	}
	s.mu.Unlock()
	if e != nil {
		return e
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(doc)
	return nil
}

func selfLinks(href string) []any {
	return []any{map[string]string{"rel": "self", "href": href}}
}

func (s *Server) jobDoc(job *asyncJob) map[string]any {
	now := s.now()
	started, done, failed := false, 0, false
	for _, t := range job.tasks {
		started = started || !t.start.After(now)
		if t.done {
			done++
			failed = failed || t.err != nil
		}
	}
	progress := "pending"
	switch {
	case done == len(job.tasks) && failed:
		progress = "failed"
	case done == len(job.tasks):
		progress = "succeeded"
	case started:
		progress = "processing"
	}
	return map[string]any{
		"links": selfLinks(asyncJobPrefix + job.id), "id": job.id,
		"completed": done == len(job.tasks), "progress": progress,
		"task": map[string]any{"links": selfLinks(asyncJobPrefix + job.id + "/task")},
	}
}

func (s *Server) taskList(job *asyncJob) map[string]any {
	items := make([]any, len(job.tasks))
	for i := range job.tasks {
		items[i] = map[string]any{"links": selfLinks(fmt.Sprintf("%s%s/task/%d", asyncJobPrefix, job.id, i+1))}
	}
	return map[string]any{
		"links": selfLinks(asyncJobPrefix + job.id + "/task"), "items": items,
		"count": len(items), "offset": 0, "totalResults": len(items), "hasMore": false,
	}
}

func (s *Server) taskDoc(job *asyncJob, parts []string) (any, *apiError) {
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 1 || n > len(job.tasks) || len(parts) > 2 || (len(parts) == 2 && parts[1] != "result") {
		return nil, notFound("task", strings.Join(parts, "/"))
	}
	t := job.tasks[n-1]
	href := fmt.Sprintf("%s%s/task/%d", asyncJobPrefix, job.id, n)
	if len(parts) == 1 {
		progress := "pending"
		switch {
		case t.done && t.err != nil:
			progress = "failed"
		case t.done:
			progress = "succeeded"
		case !t.start.After(s.now()):
			progress = "processing"
		}
		doc := map[string]any{"links": []any{map[string]string{"rel": "related", "href": href + "/result"},
			map[string]string{"rel": "self", "href": href}}, "id": strconv.Itoa(n), "completed": t.done, "progress": progress}
		if t.done {
			doc["startTime"], doc["endTime"] = t.start.UTC().Format(time.RFC3339), t.end.UTC().Format(time.RFC3339)
		}
		return doc, nil
	}
	switch {
	case !t.done:
		return nil, notFound("task result", href)
	case t.err != nil:
		detail := map[string]string{"detail": t.err.detail, "o:errorCode": t.err.code}
		if t.err.path != "" {
			detail["o:errorPath"] = t.err.path
		}
		return map[string]any{"title": http.StatusText(t.err.status), "status": t.err.status,
			"o:errorDetails": []any{detail}}, nil
	}
	return map[string]any{"links": selfLinks(recordPrefix + t.typ + "/" + t.recID)}, nil
}
