package stripefake

// What Stripe sends at API 2023-10-16 (the version stripe-go v76 pins)
// beyond what the builder sets from its specs: every field an object always
// carries, with the value an account like the demo one has (mostly null).
// The builder fills in whichever of these an object lacks when it is
// created; the contract test (internal/payout) checks the result against
// Stripe's published schemas.

// withLivemode lists the object types that carry "livemode" at this API
// version; balance transactions, refunds and discounts do not.
var withLivemode = map[string]bool{
	"payout": true, "charge": true, "dispute": true, "invoice": true, "customer": true,
	"price": true, "product": true, "coupon": true,
}

// alwaysSent holds per object type the fields Stripe always sends, with
// the value the builder uses when it did not set one.
var alwaysSent = map[string]map[string]any{
	"payout": {"original_payout": nil, "reversed_by": nil},
	"charge": {
		"application": nil, "application_fee": nil, "calculated_statement_descriptor": "NSRECON DEMO",
		"disputed": false, "failure_balance_transaction": nil, "failure_code": nil, "failure_message": nil,
		"fraud_details": map[string]any{}, "payment_method": nil, "receipt_number": nil, "receipt_url": nil,
		"refunds": nil, "review": nil, "shipping": nil, "source_transfer": nil, "statement_descriptor": nil,
		"statement_descriptor_suffix": nil, "transfer_data": nil, "transfer_group": nil,
		"outcome": map[string]any{
			"network_status": "approved_by_network", "reason": nil, "risk_level": "normal",
			"seller_message": "Payment complete.", "type": "authorized",
		},
	},
	"refund":  {"receipt_number": nil, "source_transfer_reversal": nil, "transfer_reversal": nil},
	"dispute": {"evidence": map[string]any{}},
	"customer": {
		"default_source": nil, "shipping": nil,
		"invoice_settings": map[string]any{"custom_fields": nil, "default_payment_method": nil, "footer": nil, "rendering_options": nil},
	},
	"price": {"custom_unit_amount": nil, "lookup_key": nil, "tiers_mode": nil, "transform_quantity": nil},
	"product": {
		"description": nil, "features": []any{}, "images": []any{}, "package_dimensions": nil,
		"shippable": nil, "tax_code": nil, "url": nil,
	},
	"coupon":   {"duration_in_months": nil, "max_redemptions": nil, "redeem_by": nil, "times_redeemed": int64(0)},
	"discount": {"subscription_item": nil},
	"invoice": {
		"account_country": "US", "account_name": "nsrecon demo", "account_tax_ids": nil, "amount_shipping": int64(0),
		"application": nil, "application_fee_amount": nil, "custom_fields": nil,
		"automatic_tax":    map[string]any{"enabled": false, "liability": nil, "status": nil},
		"customer_address": nil, "customer_phone": nil, "customer_shipping": nil, "customer_tax_exempt": "none",
		"default_payment_method": nil, "default_source": nil, "default_tax_rates": []any{}, "description": nil,
		"discount": nil, "ending_balance": int64(0), "footer": nil, "from_invoice": nil,
		"issuer": map[string]any{"type": "self"}, "last_finalization_error": nil, "latest_revision": nil,
		"next_payment_attempt": nil, "on_behalf_of": nil, "paid_out_of_band": false,
		"payment_settings":                 map[string]any{"default_mandate": nil, "payment_method_options": nil, "payment_method_types": nil},
		"post_payment_credit_notes_amount": int64(0), "pre_payment_credit_notes_amount": int64(0), "quote": nil,
		"receipt_number": nil, "rendering": nil, "shipping_cost": nil, "shipping_details": nil,
		"starting_balance": int64(0), "statement_descriptor": nil, "subscription_details": nil, "test_clock": nil,
		"transfer_data": nil,
	},
	"line_item": {
		"livemode": false, "discounts": []any{}, "proration_details": map[string]any{"credited_items": nil},
		"subscription": nil, "unit_amount_excluding_tax": nil,
	},
}

// fillDefaults gives o every always-sent field of its type it lacks.
func fillDefaults(o map[string]any) {
	typ := objectType(o)
	if withLivemode[typ] {
		if _, ok := o["livemode"]; !ok {
			o["livemode"] = false
		}
	}
	for k, v := range alwaysSent[typ] {
		if _, ok := o[k]; !ok {
			o[k] = deepCopy(v)
		}
	}
}
