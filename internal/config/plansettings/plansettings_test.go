package plansettings

import (
	"os"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/config"
)

func TestFrom(t *testing.T) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, config.EnvPrefix+"_") || name == "STRIPE_API_KEY" {
			t.Setenv(name, "")
			os.Unsetenv(name) // t.Setenv restores it afterwards
		}
	}
	f, err := os.Open("../example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := config.Load(config.New(), f)
	if err != nil {
		t.Fatal(err)
	}
	s := From(c)
	if s.UndepositedFunds != "122" || s.BankAccounts["usd"] != "1" || s.StripeFees != "540" || s.FeeTax != "541" ||
		s.ApplicationFees != "542" || s.DisputeFees != "543" || s.FXDifference != "544" || s.Categories["transfer"] != "613" ||
		s.RefundItem != "300" || s.TaxItem != "301" || s.ItemIncome != "400" || s.DiscountAcct != "401" ||
		s.CustomerMode != "create" || s.DefaultCustomerName != "Stripe customer" || s.Subsidiary != "1" ||
		s.Currencies["eur"] != "4" || s.OrphanRule != "hold" {
		t.Errorf("From = %+v", s)
	}
	// The planner gets its own maps.
	s.BankAccounts["usd"] = "999"
	if c.Accounts.Bank["usd"] != "1" {
		t.Error("From shares maps with Config")
	}
}
