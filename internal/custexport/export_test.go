package custexport_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/custexport"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

const field = "custentity_stripe_customer_id"

// TestExport runs the NetSuite → Stripe customer flow of seeds/003
// through the real clients and both fakes: lookup by the stored Stripe ID,
// then by email; update the match or create; write the Stripe ID back to
// the NetSuite field. The dry run changes nothing; a second run finds
// everything unchanged.
func TestExport(t *testing.T) {
	b := stripefake.NewBuilder(5, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	byID := b.Customer(stripefake.CustomerSpec{Name: "Old Name Inc", Email: "billing@acme.example"})
	byEmail := b.Customer(stripefake.CustomerSpec{Name: "Globex", Email: "ap@globex.example",
		Metadata: map[string]string{"netsuite_customer_id": "902"}})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sb, err := sandbox.Start(ctx, sandbox.Options{Scenario: b.Scenario(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	ns := sb.NetSuite
	ns.Preload("customer", "901", map[string]any{"companyName": "Acme Corp", "email": "billing@acme.example", "isPerson": false, field: byID})
	ns.Preload("customer", "902", map[string]any{"companyName": "Globex", "email": "ap@globex.example", "isPerson": false})
	ns.Preload("customer", "903", map[string]any{"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "isPerson": true})
	ns.Preload("customer", "904", map[string]any{"companyName": "Initech", "email": "it@initech.example", "isPerson": false, field: "cus_gone"})
	ns.Preload("customer", "905", map[string]any{"isPerson": false})

	client, err := netsuite.New(netsuite.Config{AccountID: sandbox.AccountID, BaseURL: sb.NetSuiteURL, Concurrency: 2,
		Auth: netsuite.AuthConfig{ConsumerKey: sandbox.ConsumerKey, ConsumerSecret: sandbox.ConsumerSecret,
			TokenID: sandbox.TokenID, TokenSecret: sandbox.TokenSecret}}, &http.Client{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: sb.StripeURL})
	if err != nil {
		t.Fatal(err)
	}
	x := &custexport.Exporter{NetSuite: client, Stripe: custexport.StripeOf(rd), Field: field}

	dry, err := x.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"901": "update stripe_id", "902": "link email", "903": "create ", "904": "create ", "905": "skip "}
	for _, r := range dry {
		if got := r.Action + " " + r.MatchedBy; got != want[r.NetSuiteID] {
			t.Errorf("dry run %s (%s): %s, want %s", r.NetSuiteID, r.Name, got, want[r.NetSuiteID])
		}
	}
	for k, v := range sb.Stripe.Counts() {
		if strings.HasPrefix(k, "POST") && v > 0 {
			t.Errorf("the dry run wrote to Stripe: %s", k)
		}
	}
	if ns.Counts()["PATCH customer"] > 0 {
		t.Error("the dry run wrote to NetSuite")
	}

	x.Apply = true
	res, err := x.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]string{}
	for _, r := range res {
		if r.Action == custexport.ActionFailed {
			t.Fatalf("%s failed: %s", r.NetSuiteID, r.Reason)
		}
		linked[r.NetSuiteID] = r.StripeID
	}
	stored := map[string]string{}
	for _, r := range ns.Records("customer") {
		s, _ := r.Fields[field].(string)
		stored[r.ID] = s
	}
	if stored["901"] != byID || stored["902"] != byEmail || !strings.HasPrefix(stored["903"], "cus_") ||
		stored["904"] == "cus_gone" || stored["904"] == "" || stored["905"] != "" {
		t.Errorf("NetSuite fields after the export: %v", stored)
	}
	acme, _ := sb.Stripe.Written(byID)
	if acme["name"] != "Acme Corp" {
		t.Errorf("matched customer not updated: %v", acme["name"])
	}
	ada, _ := sb.Stripe.Written(linked["903"])
	if ada["name"] != "Ada Lovelace" || ada["email"] != "ada@example.com" ||
		ada["metadata"].(map[string]any)["netsuite_customer_id"] != "903" {
		t.Errorf("individual created as %v", ada)
	}
	if _, touched := sb.Stripe.Written(byEmail); touched {
		t.Error("a customer equal in Stripe was written")
	}

	again, err := x.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := custexport.Counts(again); c[custexport.ActionUnchanged] != 4 || c[custexport.ActionSkip] != 1 {
		t.Errorf("second run: %s", custexport.Summary(again))
	}
}
