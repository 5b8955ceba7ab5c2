package netsuite

import "testing"

func TestBookingOf(t *testing.T) {
	usd := func(n int64) Amount { return Amount{Minor: n, Currency: "usd"} }
	dep := &Deposit{Account: Ref{ID: "1"}, TranDate: "2024-03-02"}
	dep.Payment.Items = []DepositPayment{{Amount: usd(1000)}}
	dep.CashBack.Items = []DepositCashBack{{Account: Ref{ID: "9"}, Amount: usd(59)}}
	for _, tc := range []struct {
		body Body
		want Booking
		ok   bool
	}{
		{&Customer{}, Booking{}, false},
		{&ServiceSaleItem{}, Booking{}, false},
		{&Invoice{TranDate: "2024-03-01", Item: ItemList{Items: []ItemLine{{Amount: usd(700)}, {Amount: usd(-100)}}}},
			Booking{Amount: 600, Currency: "usd", Date: "2024-03-01"}, true},
		{&CustomerPayment{TranDate: "2024-03-01", Payment: Amount{Minor: 500, Currency: "eur"}},
			Booking{Amount: 500, Currency: "eur", Date: "2024-03-01"}, true},
		{&CustomerRefund{TranDate: "2024-03-01", Total: usd(200), Account: &Ref{ID: "3"}},
			Booking{Amount: 200, Currency: "usd", Account: "3", Date: "2024-03-01"}, true},
		{&CreditMemo{TranDate: "2024-03-01", Item: ItemList{Items: []ItemLine{{Amount: usd(200)}}}},
			Booking{Amount: 200, Currency: "usd", Date: "2024-03-01"}, true},
		{dep, Booking{Amount: 941, Currency: "usd", Account: "1", Date: "2024-03-02"}, true},
	} {
		got, ok := BookingOf(tc.body)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %+v %v, want %+v %v", tc.body.RecordType(), got, ok, tc.want, tc.ok)
		}
	}
}
