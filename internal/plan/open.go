package plan

import (
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// OpenAmounts is implemented by a Known that also knows what is still open
// in NetSuite on transactions of earlier payouts: a customer payment's
// unapplied amount, a credit memo's remaining credit, an invoice's amount
// remaining. The caller looks them up before planning (reconcile's
// verification), so planning stays pure. The amount is NetSuite's decimal
// in the transaction's currency.
type OpenAmounts interface {
	OpenAmount(externalID string) (decimal string, ok bool)
}

// RunMemory is implemented by a Known that remembers, from the payouts
// planned earlier in the same run, what refunds and disputes can still
// take back from a charge (Plan.Refundable).
type RunMemory interface {
	Refundable(chargeID string) (minor int64, ok bool)
}

// refundable is what refunds and disputes can still take back from a
// charge, in its currency: what its payment brought (planned in this
// payout), else what an earlier payout of this run left, else what NetSuite
// says is open on an earlier payout's payment, else the amount captured;
// less what reversals planned before took. (For an invoice charge of an
// earlier run, NetSuite's open amount is the invoice's, not the charge's:
// only this run's reversals of it are known.)
func (b *builder) refundable(ch *payout.Charge, ccy string) int64 {
	if v, ok := b.open[ch.ID]; ok {
		return v
	}
	v := captured(ch)
	if m, ok := b.known.(RunMemory); ok {
		if r, ok := m.Refundable(ch.ID); ok {
			b.open[ch.ID] = r
			return r
		}
	}
	if ch.Invoice == "" {
		if oa, ok := b.known.(OpenAmounts); ok {
			if s, ok := oa.OpenAmount(ExternalID(ch.ID)); ok {
				m, err := money.Parse(s, ccy)
				if err != nil {
					// What NetSuite says is open is the limit: unreadable, it
					// holds the payout rather than defaulting to the charge.
					b.problem(outcome.CodeNotOpen, ch.ID, "check the payment in NetSuite, then run again",
						"NetSuite gave an open amount %q for the payment of %s that is not a %s amount: %v", s, ch.ID, strings.ToUpper(ccy), err)
				} else {
					v = m
					b.fromNetSuite[ch.ID] = true
				}
			}
		}
	}
	b.open[ch.ID] = v
	return v
}

func captured(ch *payout.Charge) int64 {
	if ch.AmountCaptured > 0 && ch.AmountCaptured < ch.Amount {
		return ch.AmountCaptured
	}
	return ch.Amount
}

// applicable is how much of a refund or dispute is applied to its payment
// (or credits its invoice): all of it when that much is open, else what is
// open when rules.over_refund is deposit_line (the rest becomes a deposit
// line to accounts.over_refund), else nothing: the payout is held.
func (b *builder) applicable(bt *payout.BalanceTransaction, r reversed) (int64, bool) {
	open := max(b.refundable(r.ch, r.ccy), 0)
	if b.fromNetSuite[r.ch.ID] && b.known.Has(ExternalID(r.id)) {
		// Its customer refund exists already (a payout that failed
		// partway, a lost ledger): NetSuite's open amount is net of it,
		// and sending it again replaces it.
		open += r.amount
		b.open[r.ch.ID] = open
	}
	if r.amount <= open {
		return r.amount, true
	}
	if b.s.OverRefundRule == "deposit_line" {
		return open, true
	}
	b.problem(outcome.CodeOverRefund, bt.ID,
		fmt.Sprintf("book the %s by hand, or set %s: deposit_line and %s to apply what is open and book the rest as a deposit line",
			r.kind, KeyOverRefund, KeyOverRefundAcct),
		"%s %s takes %s %s back from charge %s, but only %s is still open on its payment (earlier refunds or disputes took the rest)",
		r.kind, r.id, money.Format(r.amount, r.ccy), strings.ToUpper(r.ccy), r.ch.ID, money.Format(open, r.ccy))
	return 0, false
}

// overRefundLine books the part of a refund or dispute beyond what was
// open (in the payout currency: the deposit's) as a deposit line.
func (b *builder) overRefundLine(bt *payout.BalanceTransaction, r reversed, amount int64) {
	b.line(amount, b.s.Mapping(KeyOverRefundAcct), bt.ID,
		fmt.Sprintf("Stripe %s %s of charge %s beyond what was open on its payment (%s)", r.kind, r.id, r.ch.ID, bt.ID))
}
