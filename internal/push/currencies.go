package push

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// CurrencyAdder is implemented by a Writer that can give an existing
// customer more currencies (*netsuite.Client). The pusher uses it, before
// writing anything, for the plan's CurrencyNeeds.
type CurrencyAdder interface {
	EnsureCustomerCurrencies(ctx context.Context, customer netsuite.Ref, currencyIDs []string) ([]string, error)
}

// CodeCustomerCurrency: an existing customer may not transact in a
// currency the payout needs, and NetSuite refused to add it.
const CodeCustomerCurrency = "CUSTOMER_CURRENCY"

// ensureCurrencies gives every existing customer of the plan the
// currencies its transactions are in. A customer NetSuite will not give
// them to holds the payout (problems); one that could not be reached fails
// it (errs), for the next run to try again. err is ctx's.
func (p *Pusher) ensureCurrencies(ctx context.Context, pl *plan.Plan) (problems []outcome.Problem, errs []RecordError, err error) {
	adder, ok := p.w.(CurrencyAdder)
	if !ok || len(pl.CurrencyNeeds) == 0 {
		return nil, nil, nil
	}
	type need struct {
		ref   netsuite.Ref
		ids   []string
		codes []string
	}
	var order []string
	byCustomer := map[string]*need{}
	for _, n := range pl.CurrencyNeeds {
		key := n.Customer.ID + "|" + n.Customer.ExternalID
		if byCustomer[key] == nil {
			byCustomer[key] = &need{ref: n.Customer}
			order = append(order, key)
		}
		byCustomer[key].ids = append(byCustomer[key].ids, n.CurrencyID)
		byCustomer[key].codes = append(byCustomer[key].codes, strings.ToUpper(n.Currency))
	}
	// One read per customer (a write only where a currency is missing),
	// as many at once as the pusher allows itself.
	results := make([]error, len(order))
	added := make([][]string, len(order))
	sem := make(chan struct{}, p.opts.Concurrency)
	var wg sync.WaitGroup
	for i, key := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n := byCustomer[key]
			added[i], results[i] = adder.EnsureCustomerCurrencies(ctx, n.ref, n.ids)
		}()
	}
	wg.Wait()
	for i, key := range order {
		n, aerr := byCustomer[key], results[i]
		name := customerName(n.ref)
		switch {
		case aerr == nil:
			if len(added[i]) > 0 {
				p.log.InfoContext(ctx, "customer currencies added", "customer", name, "currencies", added[i])
			}
		case ctx.Err() != nil:
			return nil, nil, ctx.Err()
		case netsuite.IsPermanent(aerr):
			cur := strings.Join(n.codes, ", ")
			problems = append(problems, outcome.Problem{Code: CodeCustomerCurrency, Object: name,
				Message: fmt.Sprintf("customer %s may not transact in %s, and NetSuite did not add it: %v", name, cur, aerr),
				Fix:     fmt.Sprintf("add %s to the customer's currencies in NetSuite (Financial subtab; needs the Multiple Currencies feature), then run again", cur)})
		default:
			re := recordError(aerr)
			re.Type, re.ExternalID, re.Source = netsuite.TypeCustomer, n.ref.ExternalID, name
			re.Detail = "adding currencies " + strings.Join(n.codes, ", ") + ": " + re.Detail
			errs = append(errs, *re)
		}
	}
	return problems, errs, nil
}

func customerName(r netsuite.Ref) string {
	if r.ExternalID != "" {
		return r.ExternalID
	}
	return "internal ID " + r.ID
}
