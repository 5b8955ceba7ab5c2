// Package plansettings turns a validated Config into the planner's
// Settings. It sits above both: config does not import the planner, and
// the planner does not read config files, so each can change alone.
package plansettings

import (
	"maps"
	"strings"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// From is the part of the config the planner needs.
func From(c *config.Config) plan.Settings {
	return plan.Settings{
		UndepositedFunds: c.Accounts.UndepositedFunds,
		BankAccounts:     cloneMap(c.Accounts.Bank),
		StripeFees:       c.Accounts.StripeFees,
		FeeTax:           c.Accounts.FeeTax,
		ApplicationFees:  c.Accounts.ApplicationFees,
		DisputeFees:      c.Accounts.DisputeFees,
		FXDifference:     c.Accounts.FXDifference,
		OverRefundAcct:   c.Accounts.OverRefund,
		Categories:       cloneMap(c.Accounts.Categories),
		AccountLines:     cloneMap(c.Accounts.Lines),

		RefundItem:   c.Items.Refund,
		TaxItem:      c.Items.Tax,
		ShippingItem: c.Items.Shipping,
		GlobalItem:   c.Items.Global,
		ItemIncome:   c.Items.IncomeAccount,
		DiscountAcct: c.Items.DiscountAccount,
		BalanceItem:  c.Items.CustomerBalance,

		CustomerMode:        c.Customers.Mode,
		GlobalCustomer:      c.Customers.GlobalID,
		DefaultCustomerName: c.Customers.DefaultName,
		CustomerType:        c.Customers.Type,

		Subsidiary: c.Classification.Subsidiary,
		Department: c.Classification.Department,
		Class:      c.Classification.Class,
		Location:   c.Classification.Location,

		OrphanRule:         c.Rules.OrphanRefund,
		OrphanAccount:      c.Rules.OrphanAccount,
		OverRefundRule:     c.Rules.OverRefund,
		RevenueRecognition: c.NetSuite.RevenueRecognition,

		Mode:     c.Reconcile.Mode,
		Sales:    c.Accounts.Sales,
		Refunds:  c.Accounts.Refunds,
		SalesTax: c.Accounts.SalesTax,

		Currencies:   cloneMap(c.Currencies),
		BaseCurrency: strings.ToLower(c.NetSuite.BaseCurrency),

		RoundingRule: c.Rules.Rounding,
		Rounding:     c.Accounts.Rounding,
		TaxSchedule:  c.Items.TaxSchedule,
		TaxCode:      c.Items.TaxCode,
		EntityID:     c.Customers.EntityID,
	}
}

// cloneMap keeps the planner from sharing (and possibly mutating) the
// config's maps; a nil map becomes an empty one.
func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}
