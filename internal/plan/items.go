package plan

import (
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// netsuiteItemKeys are the price metadata keys that link a Stripe price to
// an existing NetSuite item, in order of precedence.
var netsuiteItemKeys = []string{
	"netsuite_service_sale_item_id",
	"netsuite_service_resale_item_id",
	"netsuite_non_inventory_sale_item_id",
	"netsuite_non_inventory_resale_item_id",
}

// priceItem returns the NetSuite item for an invoice line: linked by price
// metadata, the global item, or a service sale item nsrecon makes per price.
func (b *builder) priceItem(l payout.InvoiceLine, invoice string) netsuite.Ref {
	for _, k := range netsuiteItemKeys {
		if id := l.Price.Metadata[k]; id != "" {
			return netsuite.Ref{ID: id}
		}
	}
	if b.s.GlobalItem != "" {
		return netsuite.Ref{ID: b.s.GlobalItem}
	}
	key, name := "price_adhoc", "Stripe invoice item"
	if l.Price.ID != "" {
		key = l.Price.ID
		name = firstNonEmpty(l.Price.ProductName, l.Description, "Stripe price")
		if l.Price.Nickname != "" {
			name += " - " + l.Price.Nickname
		}
		// NetSuite item names are unique and at most 60 characters.
		name = truncate(name, 60-len(l.Price.ID)-3) + " (" + l.Price.ID + ")"
	}
	extID := ExternalID(key)
	if !b.planned(extID) && !b.known.Has(extID) {
		it := &netsuite.ServiceSaleItem{
			ExternalID:    extID,
			ItemID:        name,
			DisplayName:   name,
			SalesDesc:     "Stripe " + key,
			IncomeAccount: refPtr(b.ref(b.s.Mapping(KeyItemIncome), invoice)),
			TaxSchedule:   b.taxSchedule(),
			Subsidiary:    b.subsidiaryList(),
		}
		b.add(Record{Type: netsuite.TypeServiceSaleItem, ExternalID: extID, Source: key, Body: it})
	}
	return netsuite.Ref{ExternalID: extID}
}

// discountItem returns the NetSuite discount item nsrecon makes for a
// Stripe discount (coupon), planning it when it does not exist yet.
func (b *builder) discountItem(d payout.Discount, invoice string) netsuite.Ref {
	extID := ExternalID(d.ID)
	if !b.planned(extID) && !b.known.Has(extID) {
		name := truncate(firstNonEmpty(d.Name, "Stripe discount"), 60-len(d.ID)-3) + " (" + d.ID + ")"
		it := &netsuite.DiscountItem{
			ExternalID:  extID,
			ItemID:      name,
			Description: "Stripe discount " + d.ID,
			Account:     refPtr(b.ref(b.s.Mapping(KeyDiscountAccount), invoice)),
			TaxSchedule: b.taxSchedule(),
			Subsidiary:  b.subsidiaryList(),
		}
		b.add(Record{Type: netsuite.TypeDiscountItem, ExternalID: extID, Source: d.ID, Body: it})
	}
	return netsuite.Ref{ExternalID: extID}
}
