package money

// NetSuite keeps currency amounts with 0 or 2 decimals: its currency record
// has no precision of 3. Stripe's three-decimal currencies (BHD JOD KWD OMR
// TND) therefore have amounts NetSuite cannot hold exactly.

// NetSuiteDecimals is the number of decimals NetSuite keeps for currency.
func NetSuiteDecimals(currency string) int { return min(Exponent(currency), 2) }

// netSuiteStep is how many minor units make NetSuite's smallest unit.
func netSuiteStep(currency string) int64 {
	step := int64(1)
	for range Exponent(currency) - NetSuiteDecimals(currency) {
		step *= 10
	}
	return step
}

// NetSuiteExact reports whether minor units of currency are an amount
// NetSuite can hold exactly (12.340 KWD yes, 12.345 KWD no).
func NetSuiteExact(minor int64, currency string) bool {
	return minor%netSuiteStep(currency) == 0
}

// RoundNetSuite rounds minor units of currency to NetSuite's precision,
// half away from zero, and returns the result in minor units (12345 KWD fils
// → 12350).
func RoundNetSuite(minor int64, currency string) int64 {
	step := netSuiteStep(currency)
	if step == 1 {
		return minor
	}
	q, r := minor/step, minor%step
	if r < 0 {
		r = -r
	}
	if 2*r >= step {
		if minor < 0 {
			q--
		} else {
			q++
		}
	}
	return q * step
}

// FormatNetSuite renders minor units in major units with NetSuite's
// decimals when the amount is exact at that precision (12340 KWD →
// "12.34"), and with the currency's own decimals otherwise (never rounded).
func FormatNetSuite(minor int64, currency string) string {
	s := Format(minor, currency)
	if NetSuiteExact(minor, currency) && Exponent(currency) > NetSuiteDecimals(currency) {
		s = s[:len(s)-(Exponent(currency)-NetSuiteDecimals(currency))]
	}
	return s
}
